import pytest

from config.celery import ping


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_task_sent_with_delay_is_executed_by_a_real_worker(celery_worker):
    result = ping.delay()
    assert result.get(timeout=30) == "pong"
    assert result.successful()
