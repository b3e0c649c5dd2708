import pytest


@pytest.mark.django_db
def test_login_required_and_home_lists_allowed_features(make_staff, client_for):
    from django.test import Client

    assert Client().get("/").status_code == 302
    agent = make_staff("agent")
    res = client_for(agent).get("/")
    assert res.status_code == 200
    assert agent.staff_no in res.content.decode()


@pytest.mark.browser
def test_login_in_chromium(make_staff, page, login, screenshot):
    agent = make_staff("agent", staff_no="1234")
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", agent.user.username)
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.inner_text("main")
    screenshot("login-error")
    login(agent)
    assert "员工1234 (1234)" in page.inner_text("header")  # inside the center: name and number
    screenshot("home-agent")


@pytest.mark.django_db
def test_english_is_available(make_staff, client_for):
    agent = make_staff("agent")
    client = client_for(agent)
    assert "客服中心运营管理系统" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert "Customer-service center operations" in page and "Log out" in page


@pytest.mark.browser
def test_menus_group_the_features_of_a_role(make_staff, page, login, screenshot):
    supervisor = make_staff("supervisor", staff_no="4321")
    login(supervisor)
    menus = page.locator(".mainnav .menu-title").all_inner_texts()
    assert any("工单" in m for m in menus)
    page.hover(".menu:has-text('工单') .menu-title")
    assert page.locator(".menu:has-text('工单') .menu-items a").first.is_visible()
    screenshot("home-supervisor-menu")


@pytest.mark.django_db
def test_chinese_first_whatever_the_browser_says(make_staff, client_for):
    agent = make_staff("agent")
    client = client_for(agent)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "客服中心运营管理系统" in page and "Log out" not in page


@pytest.mark.django_db
def test_logins_are_audited(make_staff):
    from django.test import Client

    from kefu.audit.models import AuditRecord

    agent = make_staff("agent", staff_no="3456")
    client = Client()
    client.post("/login/", {"username": agent.user.username, "password": "wrong"})
    client.post("/login/", {"username": agent.user.username, "password": "test-pass-123"})
    rows = list(AuditRecord.objects.filter(action="login").order_by("id").values_list("staff_no", "note"))
    assert rows[0][1] == f"登录失败：{agent.user.username}"
    assert rows[1] == ("3456", "登录成功")
