"""The hotline's contacts (signals), anonymous tips and the public front door."""
