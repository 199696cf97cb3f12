"""Every page a client or coach reaches renders, in every language."""

import pytest


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_it_renders_every_client_page(make, web, sign_in, session, language):
    client = make.client(language=language)
    task = make.task(organisation_id=client.organisation_id)
    assignment = make.assignment(client=client, task=task)
    sign_in(web, client)
    for url in ["/", "/tasks", f"/tasks/{assignment.id}", "/absent", "/today-went", "/help", "/home-screen", "/language"]:
        response = web.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:2000])
        assert f'<html lang="{language}">' in response.get_data(as_text=True)


def test_it_renders_every_coach_page(make, web, sign_in, session):
    coach = make.coach()
    client = make.client(coach=coach)
    task = make.task(organisation_id=coach.organisation_id)
    make.assignment(client=client, task=task)
    sign_in(web, coach)
    for url in [
        "/coach/",
        "/coach/caseload",
        "/coach/clients/new",
        f"/coach/clients/{client.id}",
        f"/coach/clients/{client.id}/schedule/0",
        "/coach/tasks",
        "/coach/tasks/new",
        f"/coach/tasks/{task.id}",
    ]:
        response = web.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:3000])
    response = web.post(f"/coach/clients/{client.id}/connect")
    assert response.status_code == 200
    assert "<svg" in response.get_data(as_text=True)
