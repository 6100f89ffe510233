"""How projects are classified: category, investor class, size class."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["InvestorClass", "ProjectCategory"]


class ProjectCategory(StrEnum):
    """The supervising line a project belongs to (001: 实行项目分类管理)."""

    INDUSTRIAL = "industrial"
    COMMERCE_LOGISTICS = "commerce_logistics"
    SCIENCE_TECHNOLOGY = "science_technology"
    CULTURE_TOURISM = "culture_tourism"
    AGRICULTURE = "agriculture"
    MODERN_SERVICES = "modern_services"
    INFRASTRUCTURE = "infrastructure"
    LIVELIHOOD = "livelihood"
    URBAN_CONSTRUCTION = "urban_construction"

    @property
    def label_zh(self) -> str:
        return _CATEGORY_ZH[self]

    @property
    def is_industry(self) -> bool:
        """An industry project (产业项目), as opposed to infrastructure and public works."""
        return self not in {
            ProjectCategory.INFRASTRUCTURE,
            ProjectCategory.LIVELIHOOD,
            ProjectCategory.URBAN_CONSTRUCTION,
        }

    @property
    def is_industrial(self) -> bool:
        """An industrial (工业) project, the narrower class Zhumadian counts apart."""
        return self is ProjectCategory.INDUSTRIAL


_CATEGORY_ZH = {
    ProjectCategory.INDUSTRIAL: "工业",
    ProjectCategory.COMMERCE_LOGISTICS: "商贸物流",
    ProjectCategory.SCIENCE_TECHNOLOGY: "科技创新",
    ProjectCategory.CULTURE_TOURISM: "文化旅游",
    ProjectCategory.AGRICULTURE: "农业",
    ProjectCategory.MODERN_SERVICES: "现代服务业",
    ProjectCategory.INFRASTRUCTURE: "基础设施",
    ProjectCategory.LIVELIHOOD: "民生",
    ProjectCategory.URBAN_CONSTRUCTION: "城市建设",
}


class InvestorClass(StrEnum):
    """Who the investor is (002: 世界500强、中国500强和各大央企 …; 000: 民间投资)."""

    FORTUNE_500 = "fortune_500"
    CHINA_500 = "china_500"
    CENTRAL_SOE = "central_soe"
    LOCAL_SOE = "local_soe"
    UNICORN = "unicorn"
    GAZELLE = "gazelle"
    FINTECH_LEADER = "fintech_leader"
    FOREIGN = "foreign"
    TAIWANESE = "taiwanese"
    PRIVATE = "private"
    GOVERNMENT = "government"

    @property
    def label_zh(self) -> str:
        return _INVESTOR_ZH[self]


_INVESTOR_ZH = {
    InvestorClass.FORTUNE_500: "世界500强",
    InvestorClass.CHINA_500: "中国500强",
    InvestorClass.CENTRAL_SOE: "央企",
    InvestorClass.LOCAL_SOE: "地方国企",
    InvestorClass.UNICORN: "独角兽",
    InvestorClass.GAZELLE: "瞪羚",
    InvestorClass.FINTECH_LEADER: "金融科技领军企业",
    InvestorClass.FOREIGN: "外资",
    InvestorClass.TAIWANESE: "台资",
    InvestorClass.PRIVATE: "民营",
    InvestorClass.GOVERNMENT: "政府投资",
}
