"""Issue 9 §4 in the browser: a social worker imports a small .xlsx with one bad row, sees the error
beside that row, fixes the file, imports it, opens an imported recipient and reveals the ID with a
reason; the city admin then finds that reveal, with its reason, in the audit log.

The .xlsx is written here by hand (minimal OOXML in a zip, inline strings), as openpyxl is not
installed on this machine."""
import os
import random
import tempfile
import zipfile
from xml.sax.saxutils import escape

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from conftest import api_get, api_token, login, screenshot, wait, wait_until_replaced
from test_security import csp_errors, open_page, station_id

HEADERS = ["姓名", "身份证号", "出生日期", "性别", "联系电话", "住址", "所在村（社区）", "人群类别"]
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def resident_id(first17):
    """Completes 17 digits with their GB 11643 check character (never a real person: division 379901)."""
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def column(i):
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def xlsx(path, rows):
    sheet = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for r, row in enumerate(rows, start=1):
        sheet.append(f'<row r="{r}">')
        for c, value in enumerate(row):
            sheet.append(f'<c r="{column(c)}{r}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
        sheet.append("</row>")
    sheet.append("</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                   '<sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '</Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", "".join(sheet))


def upload(driver, path):
    form = wait(driver).until(EC.presence_of_element_located((By.ID, "upload-form")))
    form.find_element(By.NAME, "file").send_keys(path)
    old = driver.find_element(By.TAG_NAME, "html")
    form.find_element(By.XPATH, ".//button[@type='submit']").click()
    wait_until_replaced(driver, old)
    return wait(driver).until(EC.presence_of_element_located((By.ID, "preview")))


def test_import_with_a_bad_row_fix_confirm_reveal_and_audit(driver, base):
    sid = station_id(base, "解放路街道")
    villages = [v["name"] for v in api_get(base, f"/api/v1/stations/{sid}", api_token(base, "admin"))["villages"]]
    seq = random.randint(100, 999)
    good = [resident_id(f"37990119400101{seq:03d}"), resident_id(f"37990119520815{seq:03d}"),
            resident_id(f"37990119381130{seq:03d}")]
    wrong = good[1][:17] + ("1" if good[1][17] != "1" else "2")
    names = ["导入甲", "导入乙", "导入丙"]

    def rows(second_id):
        return [HEADERS,
                [names[0], good[0], "", "", "13805310001", "和平路 1 号", villages[0], "低保、独居老人"],
                [names[1], second_id, "", "", "", "和平路 2 号", villages[0], "特困供养"],
                [names[2], good[2], "", "", "", "和平路 3 号", villages[-1], "空巢老人"]]

    login(driver, base, "worker")
    open_page(driver, base + "/recipients")
    driver.find_element(By.LINK_TEXT, "从表格批量导入").click()
    wait(driver).until(EC.presence_of_element_located((By.ID, "upload-form")))

    with tempfile.TemporaryDirectory() as tmp:
        # 1. the file with one bad check character: the error beside its row, nothing to confirm
        bad_path = os.path.join(tmp, "名单.xlsx")
        xlsx(bad_path, rows(wrong))
        upload(driver, bad_path)
        line3 = driver.find_element(By.ID, "line-3")
        assert "校验码错误" in line3.text
        assert "可导入" in driver.find_element(By.ID, "line-2").text
        assert "其中 1 行有问题" in driver.find_element(By.ID, "preview-summary").text
        assert not driver.find_elements(By.ID, "confirm-form")
        assert good[0] not in driver.page_source, "IDs are masked in the preview"
        screenshot(driver, "import-preview-bad-row")

        # 2. fixed and uploaded again: every row fine, confirm
        fixed_path = os.path.join(tmp, "名单-修改.xlsx")
        xlsx(fixed_path, rows(good[1]))
        upload(driver, fixed_path)
        assert "全部可以导入" in driver.find_element(By.ID, "preview-summary").text
        screenshot(driver, "import-preview-fixed")
        old = driver.find_element(By.TAG_NAME, "html")
        driver.find_element(By.XPATH, "//form[@id='confirm-form']//button").click()
        wait_until_replaced(driver, old)

    # 3. the job page refreshes itself until the summary
    summary = wait(driver, 60).until(EC.presence_of_element_located((By.ID, "summary")))
    assert "导入 3 名服务对象" in summary.text
    screenshot(driver, "import-summary")
    assert csp_errors(driver) == []

    # 4. one imported recipient, and the ID revealed with a reason
    assert driver.find_elements(By.LINK_TEXT, "查看本站服务对象")
    open_page(driver, base + "/recipients?q=" + names[0])
    old = driver.find_element(By.TAG_NAME, "html")
    wait(driver).until(EC.element_to_be_clickable((By.LINK_TEXT, names[0]))).click()
    wait_until_replaced(driver, old)
    assert "批量导入" in driver.page_source   # the timeline entry
    assert good[0] not in driver.page_source   # masked until revealed
    form = driver.find_element(By.ID, "reveal-form")
    Select(form.find_element(By.NAME, "field")).select_by_value("resident_id")
    reason = f"核对导入名单第2行 {seq}"
    form.find_element(By.NAME, "reason").send_keys(reason)
    old = driver.find_element(By.TAG_NAME, "html")
    form.find_element(By.XPATH, ".//button[@type='submit']").click()
    wait_until_replaced(driver, old)
    assert driver.find_element(By.ID, "revealed-value").text == good[0]
    screenshot(driver, "import-reveal")

    # 5. the city admin finds the reveal and its reason in the audit log
    driver.delete_all_cookies()
    login(driver, base, "admin")
    open_page(driver, base + "/audit?actor=worker")
    row = wait(driver).until(EC.presence_of_element_located(
        (By.XPATH, f"//tr[td[contains(., '{reason}')]]")))
    assert "查看敏感信息" in row.text
    assert good[0] not in driver.page_source, "the audit log never holds the ID itself"
    screenshot(driver, "import-reveal-audited")
