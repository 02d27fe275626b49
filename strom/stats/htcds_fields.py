"""The HTCDS 2.0 fields the HTCDS export writes, with their value names, and STROM's few extensions.

Written by hand from IOM's HTCDS 2.0 field standards (field names and value names only: they are
the standard's identifiers). `bench/htcds_check.py` compares this module with the reference folder
when it is at hand; the tests check every exported record against it, so they need no copy of the
reference.

Every key of an exported record is either an HTCDS field listed here or a `strom_` extension
(HTCDS has no field for a pseudonym, a year of registration or an age band).
"""

from __future__ import annotations

# Picklist and multiselect picklist fields: the value names HTCDS allows.
VALUES: dict[str, tuple[str, ...]] = {
    "prs_Gender": (
        "Feminine",
        "Masculine",
        "TransgenderFeminine",
        "TransgenderMasculine",
        "NonConforming",
        "NonSpecifiedUnknown",
    ),
    "cas_Status": ("Active", "FollowUp", "Closed", "ClosedReferred"),
    "vic_TraffickingStatus": (
        "PossibleVictimOfTrafficking",
        "ActualVictimOfTrafficking",
        "NotAVictimOfTrafficking",
    ),
    "vic_TraffickingStatusDecisionMakingOrg": (
        "Police",
        "NGO",
        "CourtOrProsecution",
        "NonPoliceGovernmentalOrganization",
        "Other",
    ),
    "vic_TypeOfExploitation": (
        "ForcedLabour",
        "SexualExploitation",
        "ChildLabour",
        "ForcedMarriage",
        "Servitude",
        "ForcedMilitaryByNonStateActors",
        "OrganRemoval",
        "ForcedBegging",
        "ForcedAdoption",
        "Surrogacy",
        "Other",
    ),
    "vic_ForcedLabourIndustry": (
        "A_AgricultureForestryAndFishing",
        "B_MiningAndQuarrying",
        "C_Manufacturing",
        "D_ElectricityGasSteamAndAirConditioningSupply",
        "E_WaterSupplySewerageWasteManagement",
        "F_Construction",
        "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
        "H_TransportationAndStorage",
        "I_AccommodationAndFoodServiceActivities",
        "J_InformationAndCommunication",
        "K_FinancialAndInsuranceActivities",
        "L_RealEstateActivities",
        "M_ProfessionalScientificAndTechnicalActivities",
        "N_AdministrativeAndSupportServiceActivities",
        "O_PublicAdministrationAndDefence",
        "P_Education",
        "Q_HumanHealthAndSocialWorkActivities",
        "R_ArtsEntertainmentAndRecreation",
        "S_OtherServiceActivities",
        "T_ActivitiesOfHouseholdsAsEmployers",
        "U_ActivitiesOfExtraterritorialOrganizations",
    ),
    "vic_TypeOfSexExploitation": (
        "Prostitution",
        "Pornography",
        "RemoteInteractiveServices",
        "PrivateSexualServices",
    ),
    "vic_MethodsOfControl": (
        "PhysicalThreats",
        "ThreatsLawEnforcement",
        "ThreatensChildrenFamily",
        "DebtBondage",
        "FalsePromises",
        "PhysicalAbuse",
        "SexualAbuse",
        "TakesEarnings",
        "RestrictsFinancialAccess",
        "RestrictsMedicalCare",
        "WithholdsNecessities",
        "PsychologicalAbuse",
        "PsychoactiveSubstance",
        "ExcessiveWorkingHours",
        "WithholdsDocuments",
        "Other",
    ),
    "vic_MethodOfRecruitment": (
        "AtAPlaceOfBusiness",
        "AtAnEducationalInstitution",
        "AtWork",
        "ThroughOnlineSocialNetworks",
        "ThroughAnOnlineAdvertisement",
        "ThroughATelevisionAdvert",
        "ThroughANewspaperAdvert",
        "ThroughFamilyOrFamilyEvents",
        "ThroughFriendsOrSocialEvents",
        "Other",
    ),
    "vic_RecruitmentWebsitesAndApps": (
        "Facebook",
        "Instagram",
        "WhatsApp",
        "Telegram",
        "FacebookMessenger",
        "Viber",
        "SnapChat",
        "Line",
        "4Sale",
        "WeChat",
        "QQ",
        "QZone",
        "TikTok",
        "Twitter",
        "Other",
    ),
    # HTCDS spells the third value "Unaquainted".
    "vic_RelationshipToTrafficker": ("Familial", "Acquainted", "Unaquainted"),
    "hte_Type": ("Recruitment", "Transit", "Exploitation"),
    "spl_Type": (
        "Education",
        "Financial",
        "Health",
        "LabourExploitationRehabilitation",
        "Legal",
        "Livelihood",
        "RightsBasedTraining",
        "SexualExploitationRehabilitation",
        "SocialCare",
    ),
}
# The same value set as the recruitment one.
VALUES["vic_ExploitationWebsitesAndApps"] = VALUES["vic_RecruitmentWebsitesAndApps"]

# ISO 3166-1 alpha-2 codes (HTCDS: "use ISO 3166 country codes").
COUNTRY_FIELDS: tuple[str, ...] = ("prs_Citizenship", "hte_Country")

# HTCDS Date fields. The export writes them to the month at most (see strom/stats/htcds.py).
DATE_FIELDS: tuple[str, ...] = ("hte_Date", "spl_PlannedEndDate", "spl_ActualEndDate")

# HTCDS fields that may hold several values (Multiselect Picklist). The export also writes several
# values into a few single-valued picklists when a case has several events or services; the
# documentation (docs/htcds-export.md) says which.
MULTISELECT: tuple[str, ...] = (
    "prs_Citizenship",
    "vic_TypeOfExploitation",
    "vic_TypeOfSexExploitation",
    "vic_MethodsOfControl",
    "vic_MethodOfRecruitment",
    "vic_RecruitmentWebsitesAndApps",
    "vic_ExploitationWebsitesAndApps",
)

HTCDS_FIELDS: frozenset[str] = frozenset(VALUES) | frozenset(COUNTRY_FIELDS) | frozenset(DATE_FIELDS)

# STROM's additions, where HTCDS has no field. Never an identifier of a person or a case.
EXTENSIONS: dict[str, str] = {
    "strom_CasePseudonym": "keyed pseudonym of the case, valid within one export only",
    "strom_PersonPseudonym": "keyed pseudonym of the person: the same for all their cases in one export",
    "strom_YearOfRegistration": "the year the case was opened",
    "strom_CaseCountry": "the country of the case (ISO 3166-1 alpha-2): the reporting country",
    "strom_AgeBand": "age when the case opened, in CTDC's bands (0--8 ... 48+); empty when unknown",
    "strom_IsChild": "handled as a child's case (under 18, or presumed so)",
    "strom_ServiceType": "STROM's own service type, finer than spl_Type",
    "strom_ServiceStatus": "planned, in_progress or delivered",
    "strom_TraffickingEvents": "JSON only: the case's trafficking events (hte_), in date order",
    "strom_Services": "JSON only: the case's services (spl_), cancelled ones left out",
}

AGE_BANDS: tuple[str, ...] = (
    "0--8",
    "9--17",
    "18--20",
    "21--23",
    "24--26",
    "27--29",
    "30--38",
    "39--47",
    "48+",
)
SERVICE_STATUSES: tuple[str, ...] = ("planned", "in_progress", "delivered")
