"""Issue 3 in the browser: a station's compliance page shows a finding, the street officer fixes it
through the station form, and the finding turns to a pass. The district's export opens in LibreOffice."""
import os
import re
import shutil
import subprocess
import tempfile
import urllib.parse
import urllib.request
import http.cookiejar

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import api_get, api_token, login, screenshot, wait


def station_id(base, street):
    token = api_token(base, "admin")
    items = api_get(base, "/api/v1/stations?per=100", token)["items"]
    return next(s["id"] for s in items if s["street_name"] == street)


def state_of(driver, rule):
    return driver.find_element(By.CSS_SELECTOR, f"#finding-{rule} .badge").text


def test_fix_a_finding_through_the_ui(driver, base):
    sid = station_id(base, "解放路街道")
    login(driver, base, "jiefanglu")
    driver.get(f"{base}/stations/{sid}/compliance")
    wait(driver).until(EC.presence_of_element_located((By.ID, "finding-P-4")))
    screenshot(driver, "compliance-before")
    assert state_of(driver, "P-4") == "不符合"
    assert "室内标牌" in driver.find_element(By.ID, "finding-P-4").text
    assert state_of(driver, "T-2") == "符合"

    driver.find_element(By.LINK_TEXT, "修改场所信息 →").click()
    box = wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "input[name=indoor_sign]")))
    if not box.is_selected():
        driver.execute_script("arguments[0].scrollIntoView();", box)
        box.click()
    driver.find_element(By.XPATH, "//button[text()='保存']").click()
    wait(driver).until(EC.url_matches(rf"/stations/{sid}(\?saved=\w+)?$"))   # the page then says what was saved

    driver.get(f"{base}/stations/{sid}/compliance")
    wait(driver).until(EC.presence_of_element_located((By.ID, "finding-P-4")))
    screenshot(driver, "compliance-after")
    assert state_of(driver, "P-4") == "符合"


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="libreoffice is installed by scripts/test")
def test_the_xlsx_export_opens_in_libreoffice(base):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    csrf = re.search(r'name="_csrf" value="([^"]*)"', page).group(1)
    data = urllib.parse.urlencode({"_csrf": csrf, "username": "lixia", "password": os.environ.get("SHEGONG_DEMO_PASSWORD", "demo-pass-123"), "next": "/"}).encode()
    opener.open(f"{base}/login", data)
    workbook = opener.open(f"{base}/compliance/export.xlsx").read()
    # Field separator 44 (comma), text delimiter 34 (quote), character set 76 (UTF-8).
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "compliance.xlsx")
        with open(path, "wb") as f:
            f.write(workbook)
        subprocess.run(["libreoffice", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", tmp, path],
                       check=True, capture_output=True, timeout=180, env=dict(os.environ, HOME=tmp))
        with open(os.path.join(tmp, "compliance.csv"), encoding="utf-8") as f:
            text = f.read()
    assert "区县,社工站,不符合规则数,规则组,规则,状态,实际,要求,如何整改,依据" in text
    assert "P-4 标识标牌,不符合" in text
    assert "全部规则均符合" in text
    assert "历下区解放路街道社会工作服务站" in text
    assert "市中区" not in text


def test_the_matrix_keeps_its_group_labels_on_a_phone(phone_driver, base):
    """At 390 px the matrix is a card per station; each cell still says which rule group it counts."""
    d = phone_driver
    login(d, base, "lixia")
    d.get(f"{base}/compliance")
    wait(d).until(EC.presence_of_element_located((By.CSS_SELECTOR, "table.matrix tbody tr")))
    screenshot(d, "compliance-matrix-phone")
    width = d.execute_script("return document.documentElement.clientWidth")
    assert width <= 390
    first = d.find_element(By.CSS_SELECTOR, "table.matrix tbody tr")
    labels = first.find_elements(By.CSS_SELECTOR, ".group-label")
    assert [label.text for label in labels] == ["场所", "人员", "督导与培训", "服务", "资源与覆盖"]
    for label in labels:
        assert label.is_displayed()
        rect = label.rect
        assert rect["x"] >= 0 and rect["x"] + rect["width"] <= width, rect
    # no sideways scrolling: the page is no wider than the phone
    assert d.execute_script("return document.documentElement.scrollWidth") <= width
