"""The service menu a city starts with (seed 004's 10-minute circle, seed 001's 点单 lectures and
activities). Loaded by migration 0002; staff add and retire items in the admin afterwards. Names
are in Chinese as the hall and the residents call them (they are data, not interface text)."""

from __future__ import annotations

# code, name, kind, accept within hours, deliver within hours, description
MENU = [
    ("drain", "疏通下水", "repair", 1, 6, "下水道、马桶、地漏堵塞疏通"),
    ("plumbing", "水暖维修", "repair", 2, 24, "水管漏水、水龙头、暖气片维修"),
    ("locksmith", "开锁换锁", "repair", 1, 3, "忘带钥匙开锁、换锁芯（需核验身份）"),
    ("appliance", "家电维修", "repair", 4, 48, "空调、洗衣机、热水器上门维修"),
    ("meals", "助餐送餐", "home", 2, 24, "老年助餐、送餐上门"),
    ("housekeeping", "家政保洁", "home", 4, 72, "保洁、擦玻璃、收纳"),
    ("elderly-care", "居家养老服务", "home", 4, 48, "助浴、助洁、陪同就医"),
    ("haircut", "上门理发", "home", 8, 72, "行动不便老人上门理发"),
    ("jobs", "就业服务", "jobs", 8, 120, "岗位推荐、技能培训报名、就业政策咨询"),
    ("lecture-policy", "理论政策宣讲", "lecture", 24, 336, "党的创新理论、惠民政策宣讲（线下点单）"),
    ("lecture-law", "法律知识讲座", "lecture", 24, 336, "民法典、婚姻家庭、劳动权益"),
    ("lecture-health", "健康知识讲座", "lecture", 24, 336, "慢病防治、急救常识、义诊"),
    ("activity-culture", "文体活动", "activity", 24, 336, "文艺演出、电影放映、书法绘画"),
    ("activity-kids", "青少年活动", "activity", 24, 336, "四点半课堂、放学来吧、假期托管"),
]


def load(Service=None) -> int:
    """Create the menu items not there yet (by code); returns how many were created."""
    if Service is None:
        from .models import Service
    created = 0
    for sort, (code, name, kind, accept, deliver, description) in enumerate(MENU, start=1):
        _, made = Service.objects.get_or_create(
            code=code,
            defaults={"name": name, "kind": kind, "accept_within_hours": accept, "deliver_within_hours": deliver,
                      "description": description, "sort": sort * 10},
        )
        created += made
    return created
