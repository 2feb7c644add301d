"""(being built)"""


def objects(world):
    return {}
