def test_healthz_answers_without_database(client):
    """/healthz answers ok without touching the database."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
