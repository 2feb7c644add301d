def test_login_page_renders_in_chinese(client):
    # given a visitor, when they open the sign-in page, then it speaks Simplified Chinese
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()
