"""The words of the domain, each value with its one-line meaning and its Chinese label.

Labels live here and only here: the console and the API read them from :data:`LABELS`.
"""

from __future__ import annotations

from enum import StrEnum


class Classification(StrEnum):
    """Kind of rescue decided at intake (甄别、分类救助)."""

    OPEN = "open"  # full civil capacity; may leave at any time
    PROTECTIVE = "protective"  # minors and people without civil capacity; handed only to a guardian
    ASSISTING = "assisting"  # elderly or disabled people who cannot care for themselves


class Stage(StrEnum):
    """Where a case is in its life."""

    DISCOVERY = "discovery"  # found: guided, escorted or picked up by the hospital
    ADMISSION = "admission"  # reported, waiting for admission and registration
    IDENTITY_SEARCH = "identity_search"  # looking for identity and household registration
    LONG_TERM_STAY = "long_term_stay"  # past the stay limit without identity: placed in care
    RETURN_HOME = "return_home"  # voucher and ticket for the journey home
    HANDOVER = "handover"  # waiting for the origin community to receive the person
    FOLLOW_UP = "follow_up"  # quarterly visits by the origin community
    CLOSED = "closed"  # nothing more to do


class DiscoveryChannel(StrEnum):
    """How the person came to the network's notice."""

    HOTLINE = "hotline"  # a 12349 call from the public
    PATROL = "patrol"  # a joint street patrol
    POLICE = "police"  # a police or urban-management officer on duty
    COMMUNITY = "community"  # a community liaison
    WALK_IN = "walk_in"  # the person came to the station


class TaskKind(StrEnum):
    """A step a person must do; each kind has its completion payload model."""

    REGISTRATION = "registration"  # admission: record the person and classify the rescue
    IDENTITY_CONFIRMATION = "identity_confirmation"  # police found nothing: caseworker records origin
    TICKET_VOUCHER = "ticket_voucher"  # station issues the ticket-exchange voucher
    HANDOVER_RECEIPT = "handover_receipt"  # origin community confirms it received the person
    FOLLOW_UP_VISIT = "follow_up_visit"  # quarterly visit by the community liaison
    ARRIVAL_CONFIRMATION = "arrival_confirmation"  # a guided adult arrived at the station
    ESCORT = "escort"  # police or urban management escort the person to the station
    PSYCHIATRIC_ESCORT = "psychiatric_escort"  # police take a harmful psychiatric patient for diagnosis
    DNA_SAMPLE = "dna_sample"  # police collect a minor's biological sample
    FAMILY_VERIFICATION = "family_verification"  # caseworker contacts and verifies the family found
    LONG_TERM_PLACEMENT = "long_term_placement"  # place an unidentified person in a care institution
    RETURN_ESCORT = "return_escort"  # escort a protective or assisting person home
    BOARDING_CONFIRMATION = "boarding_confirmation"  # transport confirms the person boarded
    SETTLEMENT_REVIEW = "settlement_review"  # station reviews a hospital settlement voucher
    SUPERVISION = "supervision"  # supervising level follows up an overdue task (督办)
    REFERRAL = "referral"  # a department handles a follow-up referral (低保, 临时救助…)
    SETTLEMENT_APPLICATION = "settlement_application"  # station applies for settlement (落户安置)
    HOUSEHOLD_REGISTRATION = "household_registration"  # police register a household (户籍登记)
    INSTITUTION_PLACEMENT = "institution_placement"  # civil affairs place the person for good
    AGENCY_OUTREACH = "agency_outreach"  # station reaches an agency whose system stays unreachable
    REMOTE_HANDOVER = "remote_handover"  # station hands over to another city's station or office
    FOLLOW_UP_CONFIRMATION = "follow_up_confirmation"  # the other city acknowledged the follow-up


class DiscoveryCondition(StrEnum):
    """What the reporter saw; decides whether the person is guided, escorted or picked up."""

    ABLE_ADULT = "able_adult"  # can walk to the station: guided (told the address and phone)
    MINOR = "minor"  # a child: escorted
    ELDERLY = "elderly"  # an elderly person: escorted
    DISABLED = "disabled"  # a disabled person: escorted
    LIMITED_MOBILITY = "limited_mobility"  # cannot move well: escorted
    CRITICALLY_ILL = "critically_ill"  # the designated hospital comes to treat
    PSYCHIATRIC_RISK = "psychiatric_risk"  # may cause harm: police take them for diagnosis


class CaseOutcome(StrEnum):
    """How a case ended."""

    RETURNED_HOME = "returned_home"  # handed over to the place of origin
    LEFT_VOLUNTARILY = "left_voluntarily"  # open rescue: left with a signed declaration
    NEVER_ARRIVED = "never_arrived"  # guided but never came to the station
    DIED = "died"  # died during the rescue
    TRANSFERRED_OUT = "transferred_out"  # moved to a station of another city


class CareService(StrEnum):
    """Services recorded during the stay."""

    MEALS = "meals"  # 提供饮食
    CLOTHING = "clothing"  # 提供衣物
    COUNSELLING = "counselling"  # 社工心理疏导
    SKILLS_TRAINING = "skills_training"  # 技能培训（14岁以上未成年人）
    MEDICAL_CHECK = "medical_check"  # 体检
    BELONGINGS_KEPT = "belongings_kept"  # 随身物品代管
    BELONGINGS_RETURNED = "belongings_returned"  # 随身物品返还


class Role(StrEnum):
    """What a user does in the network; every user has one role at one node."""

    BUREAU_LEADER = "bureau_leader"  # civil-affairs bureau: supervises, reads reports
    STATION_HEAD = "station_head"  # head of a rescue station: approves, supervises
    CASEWORKER = "caseworker"  # station caseworker: intake, identity search, return home
    TOWNSHIP_OFFICER = "township_officer"  # township rescue officer: ledger, temporary beds
    LIAISON = "liaison"  # community liaison: reports, ledger, follow-up visits
    HOTLINE_OPERATOR = "hotline_operator"  # 12349 operator: records public reports
    POLICE = "police"  # police: escort, household lookup, DNA, lost contact
    URBAN_MANAGEMENT = "urban_management"  # urban management: patrols, guidance
    HOSPITAL = "hospital"  # designated hospital: treatment first, settlement later
    TRANSPORT = "transport"  # railway / coach: ticket vouchers, green channel
    FINANCE = "finance"  # finance: treatment budget and payments
    OPERATOR = "operator"  # operations: process history, stuck cases
    AUDITOR = "auditor"  # audit: data access log


class NodeLevel(StrEnum):
    """Level of an organisation in the four-level network (plus the agencies beside it)."""

    BUREAU = "bureau"  # city civil-affairs bureau, leads
    CITY_STATION = "city_station"  # city rescue station, the centre
    COUNTY_STATION = "county_station"  # county/district rescue station, the base
    TOWNSHIP = "township"  # township/street rescue centre
    COMMUNITY = "community"  # community/village rescue point
    AGENCY = "agency"  # police, hospital, transport, finance unit working with the network


class Sex(StrEnum):
    """Sex as registered."""

    MALE = "male"  # 男
    FEMALE = "female"  # 女
    UNKNOWN = "unknown"  # 不详


class TaskStatus(StrEnum):
    """State of a task in the inbox."""

    OPEN = "open"  # waiting for its assignee
    DONE = "done"  # completed through the workflow
    CANCELLED = "cancelled"  # no longer needed (the case ended or moved on)


_LABEL_LIST: list[tuple[StrEnum, str]] = [
    (Classification.OPEN, "开放性救助"),
    (Classification.PROTECTIVE, "保护性救助"),
    (Classification.ASSISTING, "帮扶性救助"),
    (Stage.ADMISSION, "入站登记"),
    (Stage.IDENTITY_SEARCH, "寻亲（身源查询）"),
    (Stage.RETURN_HOME, "返乡"),
    (Stage.HANDOVER, "交接"),
    (Stage.FOLLOW_UP, "跟踪随访"),
    (Stage.CLOSED, "已结案"),
    (DiscoveryChannel.HOTLINE, "12349热线"),
    (DiscoveryChannel.PATROL, "联合巡查"),
    (DiscoveryChannel.POLICE, "公安/城管发现"),
    (DiscoveryChannel.COMMUNITY, "社区联络员报告"),
    (DiscoveryChannel.WALK_IN, "主动求助"),
    (TaskKind.REGISTRATION, "入站登记与分类"),
    (TaskKind.IDENTITY_CONFIRMATION, "身份与户籍地确认"),
    (TaskKind.TICKET_VOUCHER, "开具换票凭证"),
    (TaskKind.HANDOVER_RECEIPT, "流出地交接回执"),
    (TaskKind.FOLLOW_UP_VISIT, "跟踪随访"),
    (Role.BUREAU_LEADER, "民政局领导"),
    (Role.STATION_HEAD, "救助站站长"),
    (Role.CASEWORKER, "救助站工作人员"),
    (Role.TOWNSHIP_OFFICER, "乡镇(街道)救助专职人员"),
    (Role.LIAISON, "社区(村)救助联络员"),
    (Role.HOTLINE_OPERATOR, "12349热线接线员"),
    (Role.POLICE, "公安"),
    (Role.URBAN_MANAGEMENT, "城管"),
    (Role.HOSPITAL, "定点医院"),
    (Role.TRANSPORT, "交通运输"),
    (Role.FINANCE, "财政"),
    (Role.OPERATOR, "运维"),
    (Role.AUDITOR, "审计"),
    (NodeLevel.BUREAU, "市民政局"),
    (NodeLevel.CITY_STATION, "市救助站"),
    (NodeLevel.COUNTY_STATION, "县(区)救助站"),
    (NodeLevel.TOWNSHIP, "乡镇(街道)救助中心"),
    (NodeLevel.COMMUNITY, "社区(村)救助网点"),
    (NodeLevel.AGENCY, "协作单位"),
    (Sex.MALE, "男"),
    (Sex.FEMALE, "女"),
    (Sex.UNKNOWN, "不详"),
    (TaskStatus.OPEN, "待办"),
    (TaskStatus.DONE, "已完成"),
    (TaskStatus.CANCELLED, "已撤销"),
    (Stage.DISCOVERY, "发现与护送"),
    (Stage.LONG_TERM_STAY, "长期滞留安置"),
    (TaskKind.ARRIVAL_CONFIRMATION, "引导到站确认"),
    (TaskKind.ESCORT, "护送到站"),
    (TaskKind.PSYCHIATRIC_ESCORT, "护送就医诊断（精神障碍）"),
    (TaskKind.DNA_SAMPLE, "采集DNA样本"),
    (TaskKind.FAMILY_VERIFICATION, "联系并核实家属"),
    (TaskKind.LONG_TERM_PLACEMENT, "长期滞留人员托养安置"),
    (TaskKind.SETTLEMENT_APPLICATION, "申请落户安置"),
    (TaskKind.HOUSEHOLD_REGISTRATION, "办理户籍登记"),
    (TaskKind.INSTITUTION_PLACEMENT, "安置到社会福利机构"),
    (TaskKind.AGENCY_OUTREACH, "联系无法接通的协作单位"),
    (TaskKind.REMOTE_HANDOVER, "外地交接（移交流出地救助机构）"),
    (TaskKind.FOLLOW_UP_CONFIRMATION, "确认流出地接续跟踪随访"),
    (TaskKind.RETURN_ESCORT, "护送返乡"),
    (TaskKind.BOARDING_CONFIRMATION, "确认乘车"),
    (TaskKind.SETTLEMENT_REVIEW, "审核医疗结算凭证"),
    (TaskKind.SUPERVISION, "超期督办"),
    (TaskKind.REFERRAL, "随访转介"),
    (DiscoveryCondition.ABLE_ADULT, "能自行前往（引导到站）"),
    (DiscoveryCondition.MINOR, "未成年人（护送）"),
    (DiscoveryCondition.ELDERLY, "老年人（护送）"),
    (DiscoveryCondition.DISABLED, "残疾人（护送）"),
    (DiscoveryCondition.LIMITED_MOBILITY, "行动不便（护送）"),
    (DiscoveryCondition.CRITICALLY_ILL, "危重病人（通知定点医院救治）"),
    (DiscoveryCondition.PSYCHIATRIC_RISK, "可能危害他人的精神障碍患者（公安送医）"),
    (CaseOutcome.RETURNED_HOME, "返乡交接"),
    (CaseOutcome.LEFT_VOLUNTARILY, "自行离站"),
    (CaseOutcome.NEVER_ARRIVED, "未到站"),
    (CaseOutcome.DIED, "死亡"),
    (CaseOutcome.TRANSFERRED_OUT, "转外地救助站"),
    (CareService.MEALS, "提供饮食"),
    (CareService.CLOTHING, "提供衣物"),
    (CareService.COUNSELLING, "社工心理疏导"),
    (CareService.SKILLS_TRAINING, "技能培训"),
    (CareService.MEDICAL_CHECK, "体检"),
    (CareService.BELONGINGS_KEPT, "随身物品代管"),
    (CareService.BELONGINGS_RETURNED, "随身物品返还"),
]


# Keyed by (enum class, value): StrEnum members of different enums with the same value
# ("open") are equal as strings, so the class must be part of the key.
LABELS: dict[tuple[type, str], str] = {(type(v), v.value): text for v, text in _LABEL_LIST}


def label(value: StrEnum) -> str:
    """Chinese label of an enum value (the value itself if none is defined)."""
    return LABELS.get((type(value), value.value), str(value))
