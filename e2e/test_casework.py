"""Issue 10 §2 in the browser: a social worker takes a case of a demo recipient from intake to
closure through the case page's forms (one refused form on the way, its error beside the field),
then finds the interventions on the recipient's service record."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import login, screenshot, wait_until_replaced
from test_security import open_page


def submit(driver, form):
    old = driver.find_element(By.TAG_NAME, "html")
    form.find_element(By.XPATH, ".//button[@type='submit']").click()
    wait_until_replaced(driver, old)


def fill(form, **fields):
    for name, value in fields.items():
        element = form.find_element(By.NAME, name)
        if element.tag_name == "select":
            Select(element).select_by_value(value)
        else:
            element.clear()
            element.send_keys(value)


def stage(driver):
    return driver.find_element(By.ID, "stage").text


def test_a_case_from_intake_to_closure(driver, base):
    login(driver, base, "worker")
    open_page(driver, base + "/recipients?status=active")
    old = driver.find_element(By.TAG_NAME, "html")
    first = driver.find_elements(By.CSS_SELECTOR, "table#recipients tbody tr td:first-child a")[0]
    name = first.text
    first.click()
    wait_until_replaced(driver, old)

    # intake from the recipient's page; the consent date left out is refused beside its field
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.LINK_TEXT, "为其开案").click()
    wait_until_replaced(driver, old)
    form = driver.find_element(By.ID, "case-form")
    assert Select(form.find_element(By.NAME, "recipient_ids")).first_selected_option.text.startswith(name)
    fill(form, source="family", problem="老伴去世后独居，情绪低落，不愿出门", field="elderly", item="emotional_comfort")
    # the browser would stop the form itself: the server's check is the one under test
    driver.execute_script("arguments[0].removeAttribute('required')", form.find_element(By.NAME, "consent_on"))
    submit(driver, form)
    error = driver.find_element(By.ID, "consent_on-error").text
    assert "知情同意" in error, error
    form = driver.find_element(By.ID, "case-form")
    # "today" is the server's (China's) day, as the form fills the intake date with it
    today = form.find_element(By.NAME, "opened_on").get_attribute("value")
    driver.execute_script(f"arguments[0].value = '{today}'", form.find_element(By.NAME, "consent_on"))
    submit(driver, form)
    assert "当前阶段：接案" in stage(driver)

    # assessment, plan, two interventions, evaluation, closure
    fill(driver.find_element(By.ID, "assess_form"), assess_risk_level="high", assess_strengths="女儿每周来电，愿意交流",
         assess_resources="社区老年协会、楼栋长")
    submit(driver, driver.find_element(By.ID, "assess_form"))
    assert "当前阶段：预估" in stage(driver)
    form = driver.find_element(By.ID, "plan_form")
    fill(form, plan_goal_1="每周至少出门参加一次活动", plan_item_what_1="邀请参加老年协会书法班", plan_item_who_1="陈静")
    driver.execute_script(f"arguments[0].value = '{today}'", form.find_element(By.NAME, "plan_item_due_1"))
    submit(driver, form)
    assert "当前阶段：计划" in stage(driver)
    for content in ["入户哀伤辅导", "陪同参加书法班"]:
        form = driver.find_element(By.ID, "intervene_form")
        fill(form, intervene_minutes="60", intervene_content=content)
        submit(driver, form)
    assert "当前阶段：介入" in stage(driver)
    form = driver.find_element(By.ID, "evaluate_form")
    for select in form.find_elements(By.CSS_SELECTOR, "select[name^='evaluate_goal_']"):
        Select(select).select_by_value("met")
    fill(form, evaluate_summary="每周参加书法班，情绪明显好转")
    submit(driver, form)
    assert "当前阶段：评估" in stage(driver)
    form = driver.find_element(By.ID, "close_form")
    fill(form, close_reason="goals_met", close_outcome="服务目标达成，转为定期回访")
    submit(driver, form)
    assert "当前阶段：结案" in stage(driver)
    timeline = driver.find_element(By.ID, "timeline").text
    for step in ["接案", "预估", "制定服务计划", "记录介入", "评估", "结案"]:
        assert step in timeline, step
    screenshot(driver, "case-closed")

    # the recipient's service record shows the interventions
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.LINK_TEXT, name).click()
    wait_until_replaced(driver, old)
    services = driver.find_element(By.ID, "service-lines").text
    assert services.count("个案介入") == 2, services
    assert "陪同参加书法班" in services
