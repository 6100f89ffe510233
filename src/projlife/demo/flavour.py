"""What makes each city's demo look like that city: its mix of project categories, project names
that fit their category, its sponsoring departments and leaders, and its enterprise problems.

Every name is synthetic (no real company or official is named); the industries, departments and
ticket channels follow the city's seed:

- 孝感 (000): "聚焦“4+2”主导产业"; "政企恳谈会、……政企早餐会", "驻厂服务员"; the six problem classes
  "用能用地、政府履约、融资贷款、市场订单、招工引才、其他".
- 驻马店 (001): "拉长食品产业链", "围绕装备制造，依托汽车零部件产业项目", "围绕生物医药", "现代化工、服装制鞋、
  户外休闲用品、电子信息"; "市发展和改革委", "市工业和信息化局", "市招商投资促进局"; "万人助万企", "重点项目推进周例会".
- 厦门 (002): "金融科技领军企业和示范项目、重大外资台资项目"; "问题清单"“责任清单”“落实清单”.
- 姜堰 (003): a district (区): "落实区党政负责人挂钩重大项目制度", "园区要勇挑大梁", "镇街要多作贡献";
  "加快低效、闲置用地盘活", "及时兑付", "并联式”审验".

A city without a flavour here (a plugin's own city) gets :data:`DEFAULT`.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from projlife.domain.classification import ProjectCategory

__all__ = ["DEFAULT", "FLAVOURS", "CityFlavour", "flavour_for"]

_C = ProjectCategory


@attrs.frozen
class CityFlavour:
    """The words and weights one city's demo draws from."""

    category_weights: tuple[tuple[ProjectCategory, int], ...]
    """How often each project category occurs (every category named has a name pool below)."""
    names: Mapping[ProjectCategory, tuple[tuple[str, ...], tuple[str, ...]]]
    """Per category: (subjects, suffixes); a project is named prefix + subject + suffix."""
    prefixes: tuple[str, ...]
    """Synthetic place or company words that start a project name or a counterparty."""
    leader: str
    """How a sponsoring leader is written, with ``{n}``: ``市领导{n}`` or ``区领导{n}``."""
    departments: tuple[str, ...]
    """Sponsoring departments (包保部门), also the departments tickets are assigned to."""
    ticket_sources: tuple[str, ...]
    """Where enterprise problems are collected."""
    problems: Mapping[str, tuple[str, ...]]
    """Problems by ticket category label; a label not listed draws from ``other_problems``."""
    other_problems: tuple[str, ...]
    resolutions: tuple[str, ...] = ("已协调解决并书面反馈企业", "已交办责任单位限时解决并回复企业")

    def __attrs_post_init__(self) -> None:
        missing = [c for c, _ in self.category_weights if c not in self.names]
        if missing:
            raise ValueError(f"categories without project names: {missing}")

    def problem(self, category_label: str, pick: int) -> str:
        """The ``pick``-th problem (modulo the pool) for a ticket of ``category_label``."""
        pool = self.problems.get(category_label) or self.other_problems
        return pool[pick % len(pool)]


_INFRA = (
    ("城区道路", "污水处理厂", "供水管网", "220千伏输变电", "快速通道"),
    ("改扩建工程", "建设工程", "提升工程"),
)
_LIVELIHOOD = (
    ("人民医院", "中心学校", "养老服务中心", "保障性住房", "妇幼保健院"),
    ("新院区", "建设项目", "二期工程"),
)
_URBAN = (("老旧小区", "城市更新片区", "滨河片区", "智慧停车"), ("改造项目", "综合开发", "建设项目"))
_AGRI = (("高标准农田", "优质稻米", "生猪养殖", "现代农业", "冷链仓储"), ("示范园", "基地", "产业园"))
_LOGISTICS = (("商贸物流", "冷链物流", "电商快递", "专业市场"), ("园", "中心", "分拨基地"))
_TOURISM = (("文旅康养", "乡村旅游", "研学营地", "文化街区"), ("综合体", "项目", "度假区"))
_SCIENCE = (("工业互联网", "检验检测", "新型研发机构", "科技孵化器"), ("平台", "研发中心", "创新中心"))
_SERVICES = (("总部经济", "现代金融", "服务外包", "人力资源服务"), ("大厦", "中心", "产业园"))

XIAOGAN = CityFlavour(
    category_weights=(
        (_C.INDUSTRIAL, 62),
        (_C.COMMERCE_LOGISTICS, 9),
        (_C.SCIENCE_TECHNOLOGY, 7),
        (_C.CULTURE_TOURISM, 5),
        (_C.AGRICULTURE, 5),
        (_C.INFRASTRUCTURE, 7),
        (_C.LIVELIHOOD, 3),
        (_C.URBAN_CONSTRUCTION, 2),
    ),
    names={
        _C.INDUSTRIAL: (
            ("智能制造", "电子信息", "食品加工", "纺织服装", "装备制造", "新能源电池", "应急装备"),
            ("产业园", "生产基地", "扩建项目", "技改项目", "智慧工厂"),
        ),
        _C.COMMERCE_LOGISTICS: _LOGISTICS,
        _C.SCIENCE_TECHNOLOGY: _SCIENCE,
        _C.CULTURE_TOURISM: _TOURISM,
        _C.AGRICULTURE: _AGRI,
        _C.INFRASTRUCTURE: _INFRA,
        _C.LIVELIHOOD: _LIVELIHOOD,
        _C.URBAN_CONSTRUCTION: _URBAN,
    },
    prefixes=("楚天", "华中", "孝南", "汉川", "槐荫", "董永", "云梦", "澴川", "安陆", "应城"),
    leader="市领导{n}",
    departments=("市发改委", "市经信局", "市招商和投资促进局", "市商务局"),
    ticket_sources=("政企恳谈会", "政企早餐会", "驻厂服务员", "政企直通车"),
    problems={
        "用能用地": ("用电增容审批滞后，用地指标尚未下达", "天然气管道未接入厂区"),
        "政府履约": ("招商协议约定的奖补资金未按期兑现", "约定的标准厂房未按期交付"),
        "融资贷款": ("流动资金贷款审批周期长", "设备融资租赁缺少担保"),
        "市场订单": ("希望对接本地整车企业配套订单", "希望进入本地政府采购目录"),
        "招工引才": ("技术工人缺口约80人", "研发人员子女入学需协调"),
    },
    other_problems=("厂区道路和排水配套未完善", "消防验收排期较长"),
)

ZHUMADIAN = CityFlavour(
    category_weights=(
        (_C.INDUSTRIAL, 55),
        (_C.COMMERCE_LOGISTICS, 10),
        (_C.SCIENCE_TECHNOLOGY, 4),
        (_C.CULTURE_TOURISM, 8),
        (_C.AGRICULTURE, 9),
        (_C.MODERN_SERVICES, 3),
        (_C.INFRASTRUCTURE, 7),
        (_C.LIVELIHOOD, 4),
    ),
    names={
        _C.INDUSTRIAL: (
            (
                "食品加工",
                "速冻食品",
                "汽车零部件",
                "新能源汽车",
                "生物医药",
                "现代化工",
                "服装制鞋",
                "户外休闲用品",
            ),
            ("产业园", "生产线", "扩建项目", "生产基地", "园中园"),
        ),
        _C.COMMERCE_LOGISTICS: _LOGISTICS,
        _C.SCIENCE_TECHNOLOGY: _SCIENCE,
        _C.CULTURE_TOURISM: (
            ("嵖岈山", "南海禅寺", "天中文化", "乡村旅游"),
            ("文旅项目", "度假区", "综合体"),
        ),
        _C.AGRICULTURE: (
            ("小麦深加工", "花生产业", "芝麻产业", "生猪养殖", "高标准农田"),
            ("基地", "示范园", "产业园"),
        ),
        _C.MODERN_SERVICES: (("现代金融", "大健康", "电子商务"), ("中心", "产业园", "大厦")),
        _C.INFRASTRUCTURE: (
            ("中心城区供水整合", "城区道路", "污水处理厂", "快速通道"),
            ("工程", "改扩建工程", "提升工程"),
        ),
        _C.LIVELIHOOD: _LIVELIHOOD,
    },
    prefixes=("天中", "中原", "驿城", "汝南", "西平", "遂平", "确山", "泌阳", "上蔡", "正阳"),
    leader="市领导{n}",
    departments=("市发展和改革委", "市工业和信息化局", "市招商投资促进局", "市商务局", "市城市管理局"),
    ticket_sources=("“万人助万企”服务工作组", "重点项目推进周例会", "观摩点评会", "12345 热线"),
    problems={
        "融资": ("企业融资担保额度不足", "项目贷款授信审批周期长"),
        "用地": ("项目用地组卷报批进度慢", "土地挂牌出让时间未确定"),
        "用工": ("普工缺口约200人，招聘困难", "熟练缝纫工短缺"),
        "规划调整": ("厂区规划指标需调整后方可报建", "道路红线调整影响项目用地"),
        "征地拆迁": ("项目用地范围内仍有3户未签拆迁协议", "高压线迁改未完成"),
        "政策兑现": ("“三个一批”签约约定的奖励未兑现", "技改补助资金未拨付"),
    },
    other_problems=("供水管网接入迟迟未落实", "环评批复等待时间长"),
    resolutions=("已在重点项目推进周例会上协调解决", "已由服务工作组协调办结并反馈企业"),
)

XIAMEN = CityFlavour(
    category_weights=(
        (_C.INDUSTRIAL, 40),
        (_C.SCIENCE_TECHNOLOGY, 15),
        (_C.MODERN_SERVICES, 14),
        (_C.COMMERCE_LOGISTICS, 10),
        (_C.CULTURE_TOURISM, 6),
        (_C.INFRASTRUCTURE, 8),
        (_C.LIVELIHOOD, 4),
        (_C.URBAN_CONSTRUCTION, 3),
    ),
    names={
        _C.INDUSTRIAL: (
            ("平板显示", "集成电路", "生物医药", "航空维修", "新材料", "半导体封测"),
            ("生产基地", "产业园", "扩产项目", "智能工厂"),
        ),
        _C.SCIENCE_TECHNOLOGY: (
            ("金融科技", "软件信息", "人工智能", "新型研发机构"),
            ("创新中心", "研发总部", "产业园"),
        ),
        _C.MODERN_SERVICES: (("区域总部", "现代金融", "会展", "航运服务"), ("大厦", "中心", "总部项目")),
        _C.COMMERCE_LOGISTICS: (("港口物流", "跨境电商", "冷链物流", "保税仓储"), ("园", "中心", "分拨基地")),
        _C.CULTURE_TOURISM: (("滨海旅游", "文创", "邮轮母港"), ("综合体", "街区", "项目")),
        _C.INFRASTRUCTURE: (("地铁", "快速路", "跨海通道", "供水"), ("工程", "一期工程", "改造工程")),
        _C.LIVELIHOOD: _LIVELIHOOD,
        _C.URBAN_CONSTRUCTION: (("旧城", "片区", "安置房"), ("改造项目", "综合开发", "建设项目")),
    },
    prefixes=("鹭岛", "海沧", "集美", "同安", "翔安", "湖里", "思明", "鼓浪", "闽南", "海峡"),
    leader="市领导{n}",
    departments=("市发改委", "市工信局", "市商务局", "市投资促进局", "市资源规划局"),
    ticket_sources=("“问题清单”调度会", "挂钩领导走访", "项目服务专员", "12345 热线"),
    problems={
        "审批环节": ("规划方案审查周期长", "施工许可并联审批衔接不畅"),
        "要素保障": ("进口设备通关时间长", "人才住房申请排队"),
        "项目融资": ("外资项目增资外汇登记慢", "项目贷款利率较高，希望贴息"),
        "征地拆迁": ("地块征收补偿尚未谈妥", "临时用地延期手续未办"),
    },
    other_problems=("受疫情影响外籍技术人员入境难", "厂房租金减免政策未落实"),
    resolutions=("已按“落实清单”办结并反馈企业", "已协调责任部门限时办结"),
)

JIANGYAN = CityFlavour(
    category_weights=(
        (_C.INDUSTRIAL, 66),
        (_C.SCIENCE_TECHNOLOGY, 6),
        (_C.COMMERCE_LOGISTICS, 6),
        (_C.CULTURE_TOURISM, 7),
        (_C.AGRICULTURE, 6),
        (_C.INFRASTRUCTURE, 6),
        (_C.LIVELIHOOD, 3),
    ),
    names={
        _C.INDUSTRIAL: (
            ("智能装备", "电力装备", "汽车零部件", "海洋工程装备", "新能源", "精密机械", "节能环保装备"),
            ("项目", "扩能项目", "生产基地", "智能化改造项目", "园中园"),
        ),
        _C.SCIENCE_TECHNOLOGY: (("产学研", "检验检测", "科创"), ("中心", "平台", "孵化器")),
        _C.COMMERCE_LOGISTICS: (("物流", "农产品批发"), ("园", "市场", "中心")),
        _C.CULTURE_TOURISM: (
            ("溱湖", "溱潼古镇", "湿地康养", "乡村旅游"),
            ("文旅项目", "度假区", "提升工程"),
        ),
        _C.AGRICULTURE: (("现代农业", "河蟹养殖", "优质稻米", "高效设施农业"), ("示范园", "基地", "产业园")),
        _C.INFRASTRUCTURE: (
            ("镇区道路", "园区污水管网", "标准厂房", "110千伏变电站"),
            ("工程", "建设工程", "提升工程"),
        ),
        _C.LIVELIHOOD: (("区人民医院", "中心小学", "敬老院"), ("新建项目", "改扩建工程", "二期工程")),
    },
    prefixes=("姜堰", "三水", "溱湖", "罗塘", "天目", "梁徐", "张甸", "蒋垛", "顾高", "华港"),
    leader="区领导{n}",
    departments=("区发改委", "区工信局", "区商务局", "区自然资源和规划分局", "区住建局"),
    ticket_sources=("镇街(园区)项目服务专员", "区领导挂钩走访", "项目建设述职大会", "12345 热线"),
    problems={
        "用能用地": ("低效闲置用地盘活手续繁琐", "“拿地即开工”所需的施工图审查未完成"),
        "政府履约": ("惠企政策资金未及时兑付", "约定的标准地配套未到位"),
        "融资贷款": ("企业追加投资缺少流动资金", "设备购置贷款授信不足"),
        "市场订单": ("订单不足，希望对接本地龙头企业", "希望参加区里组织的产销对接会"),
        "招工引才": ("高技能人才引进补贴申请慢", "一线工人缺口约60人"),
    },
    other_problems=("“竣工即发证”验收排期较长", "园区配套道路和管网未完善"),
    resolutions=("已由挂钩区领导协调解决并反馈企业", "已按“全要素”保障要求落实"),
)

DEFAULT = attrs.evolve(
    XIAOGAN,
    prefixes=("华中", "中原", "长江", "天元", "恒通", "国泰", "鑫达", "瑞丰", "宏盛", "金玉"),
    departments=("发改委", "经信局", "商务局", "招商局"),
    leader="领导{n}",
)
"""For a city not listed in :data:`FLAVOURS` (a plugin's own city)."""

FLAVOURS: Mapping[str, CityFlavour] = {
    "xiaogan": XIAOGAN,
    "zhumadian": ZHUMADIAN,
    "xiamen": XIAMEN,
    "jiangyan": JIANGYAN,
}
"""Each built-in city's flavour, by city slug."""

_BY_CODE: Mapping[str, CityFlavour] = {
    "420900": XIAOGAN,
    "411700": ZHUMADIAN,
    "350200": XIAMEN,
    "321200": JIANGYAN,
}


def flavour_for(city: str) -> CityFlavour:
    """The demo flavour of ``city`` (a slug or a city code; :data:`DEFAULT` when it has none of its own)."""
    return FLAVOURS.get(city) or _BY_CODE.get(city) or DEFAULT
