import pytest

from gongzhi.triage import predictor


@pytest.fixture(autouse=True)
def _fresh_predictor():
    """Each test starts without a model in memory (ids can repeat after a rolled-back test)."""
    predictor.reset()
    yield
    predictor.reset()
