"""Test files of the document kinds (OFD, e-invoice XML, e-mail), written byte by byte.

Each function returns the bytes of one file, made the way the real producers make them
(a tax bureau's OFD invoice, a 数电票 XML, order e-mails from 闲鱼/淘宝 and a gym), plus the
hostile ones (zip bomb, path traversal, entity expansion) the readers must refuse.
"""

from __future__ import annotations

import base64
import io
import zipfile
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr

from PIL import Image, ImageDraw

# The facts every invoice fixture carries (a gym membership bought by a small company).
INVOICE_NUMBER = "24442000000123456789"
ISSUED_ON = "2026-11-20"
SELLER_NAME = "深圳市乐动健身管理有限公司"
SELLER_TAX_ID = "91440300MA5F022216"  # a valid unified social credit code
BUYER_NAME = "杭州青柠科技有限公司"
BUYER_TAX_ID = "91330106MA2H3K4P5R"
TOTAL = "128.00"
ITEM = "*体育服务*健身月卡"

OFD_NS = "http://www.ofdspec.org/2016"


def seal_png(size: int = 64) -> bytes:
    """A small red round seal (发票专用章), as PNG."""
    img = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((2, 2, size - 3, size - 3), outline=(220, 0, 0, 255), width=max(2, size // 16))
    draw.regular_polygon((size / 2, size / 2, size / 6), 5, fill=(220, 0, 0, 255))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def invoice_xml(
    *,
    number: str = INVOICE_NUMBER,
    issued_on: str = ISSUED_ON,
    seller_name: str = SELLER_NAME,
    seller_tax_id: str = SELLER_TAX_ID,
    buyer_name: str = BUYER_NAME,
    buyer_tax_id: str = BUYER_TAX_ID,
    total: str = TOTAL,
) -> bytes:
    """A 数电票 (fully digital e-invoice) XML as the tax platform issues it."""
    amount = f"{float(total) / 1.06:.2f}"
    tax = f"{float(total) - float(amount):.2f}"
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<EInvoice>
  <Header>
    <EIid>{number}</EIid>
    <EInvoiceTag>SWEI4403</EInvoiceTag>
    <Version>0.32</Version>
    <InherentLabel>
      <EInvoiceType><LabelCode>02</LabelCode><LabelName>普通发票</LabelName></EInvoiceType>
    </InherentLabel>
  </Header>
  <EInvoiceData>
    <SellerInformation>
      <SellerIdNum>{seller_tax_id}</SellerIdNum>
      <SellerName>{seller_name}</SellerName>
      <SellerAddr>深圳市南山区科技园南区</SellerAddr>
    </SellerInformation>
    <BuyerInformation>
      <BuyerIdNum>{buyer_tax_id}</BuyerIdNum>
      <BuyerName>{buyer_name}</BuyerName>
    </BuyerInformation>
    <BasicInformation>
      <TotalAmWithoutTax>{amount}</TotalAmWithoutTax>
      <TotalTaxAm>{tax}</TotalTaxAm>
      <TotalTax-includedAmount>{total}</TotalTax-includedAmount>
      <TotalTax-includedAmountInChinese>壹佰贰拾捌圆整</TotalTax-includedAmountInChinese>
      <Drawer>王芳</Drawer>
      <RequestTime>{issued_on} 10:21:33</RequestTime>
    </BasicInformation>
    <IssuItemInformation>
      <ItemName>{ITEM}</ItemName>
      <Quantity>1</Quantity>
      <UnPrice>{amount}</UnPrice>
      <Amount>{amount}</Amount>
      <TaxRate>0.06</TaxRate>
      <ComTaxAm>{tax}</ComTaxAm>
    </IssuItemInformation>
  </EInvoiceData>
  <TaxSupervisionInfo>
    <InvoiceNumber>{number}</InvoiceNumber>
    <IssueTime>{issued_on} 10:21:35</IssueTime>
    <TaxBureauCode>14403000000</TaxBureauCode>
    <TaxBureauName>国家税务总局深圳市税务局</TaxBureauName>
  </TaxSupervisionInfo>
</EInvoice>
"""
    return xml.encode("utf-8")


def _text(obj_id: int, x: float, y: float, text: str, size: float = 3.5, font: int = 3) -> str:
    """A TextObject at (x, y) mm (top-left of its boundary) with one TextCode; CJK characters
    advance a full em, others half."""
    steps = [size if ord(ch) >= 0x2E80 else size / 2 for ch in text]
    width = sum(steps) + 1
    deltas = " ".join(f"{s:g}" for s in steps[:-1])
    delta_attr = f' DeltaX="{deltas}"' if deltas else ""
    return (
        f'<ofd:TextObject ID="{obj_id}" Boundary="{x} {y} {width:.2f} {size * 1.4:.2f}" Font="{font}" Size="{size}">'
        f'<ofd:FillColor Value="0 0 0"/>'
        f'<ofd:TextCode X="0" Y="{size:.2f}"{delta_attr}>{text}</ofd:TextCode></ofd:TextObject>'
    )


def ofd_invoice(
    *,
    number: str = INVOICE_NUMBER,
    issued_on: str = ISSUED_ON,
    total: str = TOTAL,
    attachment: bool = True,
    custom_tags: bool = True,
    template: bool = True,
    annotation: bool = True,
    pages: int = 1,
) -> bytes:
    """An OFD (GB/T 33190) 数电票 as the tax platform issues it: page text, a table frame, a seal
    image, a template page (the red title line), and the invoice XML as an attachment."""
    y, m, d = issued_on.split("-")
    lines = [
        (10, "电子发票（普通发票）", 6.0),
        (20, f"发票号码：{number}", 3.5),
        (26, f"开票日期：{int(y)}年{int(m)}月{int(d)}日", 3.5),
        (36, "购买方信息", 3.5),
        (42, f"名称：{BUYER_NAME}", 3.5),
        (48, f"统一社会信用代码/纳税人识别号：{BUYER_TAX_ID}", 3.5),
        (58, "销售方信息", 3.5),
        (64, f"名称：{SELLER_NAME}", 3.5),
        (70, f"统一社会信用代码/纳税人识别号：{SELLER_TAX_ID}", 3.5),
        (80, f"项目名称 {ITEM} 数量 1 税率 6%", 3.5),
        (92, f"价税合计（大写）壹佰贰拾捌圆整 （小写）¥{total}", 3.5),
        (104, "开票人：王芳", 3.5),
    ]
    objects = []
    next_id = 10
    text_ids: dict[str, int] = {}
    for top, text, size in lines:
        x = 60.0 if size > 5 else 12.0
        objects.append(_text(next_id, x, top, text, size))
        text_ids[text.split("：")[0]] = next_id
        next_id += 1
    # The table frame: a rectangle and two rules (PathObject, AbbreviatedData in mm).
    objects.append(
        f'<ofd:PathObject ID="{next_id}" Boundary="8 33 194 66" LineWidth="0.4">'
        f'<ofd:StrokeColor Value="128 64 0"/>'
        f"<ofd:AbbreviatedData>M 0 0 L 194 0 L 194 66 L 0 66 C M 0 22 L 194 22 M 0 44 L 194 44"
        f"</ofd:AbbreviatedData></ofd:PathObject>"
    )
    next_id += 1
    objects.append(
        f'<ofd:ImageObject ID="{next_id}" Boundary="160 96 30 30" CTM="30 0 0 30 0 0" ResourceID="5"/>'
    )
    next_id += 1
    template_ref = '<ofd:Template TemplateID="2" ZOrder="Background"/>' if template else ""
    page_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page xmlns:ofd="{OFD_NS}">{template_ref}'
        f'<ofd:Content><ofd:Layer ID="4" Type="Body">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>'
    )
    template_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content><ofd:Layer ID="90">'
        f'<ofd:PathObject ID="91" Boundary="55 18 100 1" LineWidth="0.6"><ofd:StrokeColor Value="200 0 0"/>'
        f"<ofd:AbbreviatedData>M 0 0.5 L 100 0.5</ofd:AbbreviatedData></ofd:PathObject>"
        f"</ofd:Layer></ofd:Content></ofd:Page>"
    )
    page_entries = "".join(
        f'<ofd:Page ID="{100 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(pages)
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Document xmlns:ofd="{OFD_NS}"><ofd:CommonData>'
        f"<ofd:MaxUnitID>200</ofd:MaxUnitID>"
        f"<ofd:PageArea><ofd:PhysicalBox>0 0 210 140</ofd:PhysicalBox></ofd:PageArea>"
        f"<ofd:PublicRes>PublicRes.xml</ofd:PublicRes><ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>"
        + ('<ofd:TemplatePage ID="2" BaseLoc="Tpls/Tpl_0/Content.xml"/>' if template else "")
        + f"</ofd:CommonData><ofd:Pages>{page_entries}</ofd:Pages>"
        + ("<ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments>" if attachment else "")
        + ("<ofd:Annotations>Annots/Annotations.xml</ofd:Annotations>" if annotation else "")
        + ("<ofd:CustomTags>Tags/CustomTags.xml</ofd:CustomTags>" if custom_tags else "")
        + "</ofd:Document>"
    )
    public_res = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res xmlns:ofd="{OFD_NS}" BaseLoc="Res"><ofd:Fonts>'
        f'<ofd:Font ID="3" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>'
    )
    document_res = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res xmlns:ofd="{OFD_NS}" BaseLoc="Res"><ofd:MultiMedias>'
        f'<ofd:MultiMedia ID="5" Type="Image" Format="PNG"><ofd:MediaFile>image_5.png</ofd:MediaFile>'
        f"</ofd:MultiMedia></ofd:MultiMedias></ofd:Res>"
    )
    ofd_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:OFD xmlns:ofd="{OFD_NS}" Version="1.1" DocType="OFD">'
        f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>a3f1c2d4e5b6478899aabbccddeeff00</ofd:DocID>"
        f"<ofd:Title>电子发票 {number}</ofd:Title><ofd:Creator>国家税务总局</ofd:Creator>"
        f"<ofd:CreationDate>{issued_on}</ofd:CreationDate></ofd:DocInfo>"
        f"<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    attachments = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Attachments xmlns:ofd="{OFD_NS}">'
        f'<ofd:Attachment ID="150" Name="original_invoice" Format="xml" Visible="false">'
        f"<ofd:FileLoc>original_invoice.xml</ofd:FileLoc></ofd:Attachment></ofd:Attachments>"
    )
    custom_tags_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:CustomTags xmlns:ofd="{OFD_NS}">'
        f'<ofd:CustomTag TypeID="invoice" NameSpace="http://www.chinatax.gov.cn/invoice">'
        f"<ofd:FileLoc>CustomTag.xml</ofd:FileLoc></ofd:CustomTag></ofd:CustomTags>"
    )
    custom_tag = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<eInvoice xmlns:ofd="{OFD_NS}">'
        f'<InvoiceNo><ofd:ObjectRef PageRef="100">{text_ids["发票号码"]}</ofd:ObjectRef></InvoiceNo>'
        f'<IssueDate><ofd:ObjectRef PageRef="100">{text_ids["开票日期"]}</ofd:ObjectRef></IssueDate>'
        f"</eInvoice>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", ofd_xml)
        zf.writestr("Doc_0/Document.xml", document)
        zf.writestr("Doc_0/PublicRes.xml", public_res)
        zf.writestr("Doc_0/DocumentRes.xml", document_res)
        zf.writestr("Doc_0/Res/image_5.png", seal_png())
        for i in range(pages):
            zf.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", page_xml)
        if template:
            zf.writestr("Doc_0/Tpls/Tpl_0/Content.xml", template_xml)
        if attachment:
            zf.writestr("Doc_0/Attachs/Attachments.xml", attachments)
            zf.writestr(
                "Doc_0/Attachs/original_invoice.xml",
                invoice_xml(number=number, issued_on=issued_on, total=total),
            )
        if annotation:  # the QR code block, as tax invoices draw it: a page annotation
            zf.writestr(
                "Doc_0/Annots/Annotations.xml",
                f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Annotations xmlns:ofd="{OFD_NS}">'
                f'<ofd:Page PageID="100"><ofd:FileLoc>Page_0/Annotation.xml</ofd:FileLoc></ofd:Page>'
                f"</ofd:Annotations>",
            )
            zf.writestr(
                "Doc_0/Annots/Page_0/Annotation.xml",
                f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:PageAnnot xmlns:ofd="{OFD_NS}">'
                f'<ofd:Annot ID="160" Type="Watermark" Subtype="QR"><ofd:Appearance Boundary="182 4 20 20">'
                f'<ofd:PathObject ID="161" Boundary="0 0 20 20" Fill="true" Stroke="false">'
                f'<ofd:FillColor Value="0 0 0"/><ofd:AbbreviatedData>M 0 0 L 20 0 L 20 20 L 0 20 C'
                f"</ofd:AbbreviatedData></ofd:PathObject></ofd:Appearance></ofd:Annot></ofd:PageAnnot>",
            )
        if custom_tags:
            zf.writestr("Doc_0/Tags/CustomTags.xml", custom_tags_xml)
            zf.writestr("Doc_0/Tags/CustomTag.xml", custom_tag)
    return buf.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _minimal_ofd_entries() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(ofd_invoice(attachment=False, custom_tags=False))) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def ofd_zip_bomb(megabytes: int = 20) -> bytes:
    """A valid-looking OFD with one member of `megabytes` MB of zeros (compression ratio ~1000)."""
    entries = _minimal_ofd_entries()
    entries["Doc_0/Res/filler.xml"] = b"\0" * (megabytes * 1024 * 1024)
    return _zip(entries)


def ofd_lying_sizes() -> bytes:
    """An OFD whose page member declares (in both headers) fewer bytes than it holds."""
    data = bytearray(ofd_invoice(attachment=False, custom_tags=False))
    target = b"Doc_0/Pages/Page_0/Content.xml"
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo(target.decode())
        real = info.file_size.to_bytes(4, "little")
    small = (100).to_bytes(4, "little")
    # local header: uncompressed size at offset 22; central directory: at offset 24.
    pos = 0
    while (pos := data.find(target, pos)) != -1:
        for back in (30, 46):
            start = pos - back
            sig = bytes(data[start : start + 4])
            if back == 30 and sig == b"PK\x03\x04" and data[start + 22 : start + 26] == real:
                data[start + 22 : start + 26] = small
            if back == 46 and sig == b"PK\x01\x02" and data[start + 24 : start + 28] == real:
                data[start + 24 : start + 28] = small
        pos += 1
    return bytes(data)


def _patch_headers(data: bytes, member: str, local_offset: int, central_offset: int, value: bytes) -> bytes:
    """`data` with `value` written at the given offsets of `member`'s local and central headers."""
    out = bytearray(data)
    target = member.encode()
    pos = 0
    while (pos := out.find(target, pos)) != -1:
        if out[pos - 30 : pos - 26] == b"PK\x03\x04":
            out[pos - 30 + local_offset : pos - 30 + local_offset + len(value)] = value
        if out[pos - 46 : pos - 42] == b"PK\x01\x02":
            out[pos - 46 + central_offset : pos - 46 + central_offset + len(value)] = value
        pos += 1
    return bytes(out)


def ofd_encrypted() -> bytes:
    """An OFD whose page member is marked encrypted (general purpose flag bit 0)."""
    data = ofd_invoice(attachment=False, custom_tags=False)
    return _patch_headers(data, "Doc_0/Pages/Page_0/Content.xml", 6, 8, b"\x01\x00")


def ofd_declared_huge(megabytes: int = 300) -> bytes:
    """An OFD whose page member declares `megabytes` MB uncompressed (a zip bomb's headers)."""
    data = ofd_invoice(attachment=False, custom_tags=False)
    size = (megabytes * 1024 * 1024).to_bytes(4, "little")
    return _patch_headers(data, "Doc_0/Pages/Page_0/Content.xml", 22, 24, size)


def ofd_with_traversal(name: str = "../../etc/cron.d/evil") -> bytes:
    """An OFD with an entry whose path climbs out of the package."""
    entries = _minimal_ofd_entries()
    entries[name] = b"* * * * * root true\n"
    return _zip(entries)


def ofd_too_many_entries(count: int = 2001) -> bytes:
    entries = _minimal_ofd_entries()
    for i in range(count):
        entries[f"Doc_0/Res/f{i}.txt"] = b""
    return _zip(entries)


def ofd_without_ofd_xml() -> bytes:
    entries = _minimal_ofd_entries()
    del entries["OFD.xml"]
    return _zip(entries)


def xml_with_entities() -> bytes:
    """Billion laughs plus an external entity pointing at /etc/passwd."""
    return b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE EInvoice [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<EInvoice><Header><EIid>&lol9;</EIid></Header><Note>&xxe;</Note></EInvoice>
"""


def xml_external_entity_only() -> bytes:
    return b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<r>&xxe;</r>
"""


# ---------------------------------------------------------------- e-mails


def _eml(headers: list[tuple[str, str]], body: bytes) -> bytes:
    head = "".join(f"{k}: {v}\r\n" for k, v in headers)
    return head.encode("ascii") + b"\r\n" + body


def eml_gbk_subject() -> bytes:
    """A 闲鱼 shipping notice: Subject and From name declared gb2312 but holding a GBK-only
    character (镕), a raw undeclared GB18030 To name, and a GBK plain-text body."""
    subject = "闲鱼订单已发货：iPhone 15 128G 王镕的闲置"
    from_name = "闲鱼"
    subj = "=?gb2312?B?" + base64.b64encode(subject.encode("gbk")).decode() + "?="
    frm = (
        "=?GB2312?B?" + base64.b64encode(from_name.encode("gbk")).decode() + "?= <notice@service.goofish.com>"
    )
    body = "亲爱的买家，您在闲鱼购买的 iPhone 15 128G 已发货，顺丰单号 SF1234567890123。\r\n".encode("gbk")
    head = (
        f"From: {frm}\r\n"
        f"Subject: {subj}\r\n"
        "Date: Fri, 20 Nov 2026 18:02:11 +0800\r\n"
        "Message-ID: <20261120180211.5521@goofish.com>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=gbk\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
    ).encode("ascii")
    to = "To: ".encode("ascii") + "李明".encode("gb18030") + b" <liming@example.cn>\r\n"
    return head + to + b"\r\n" + body


def eml_quoted_printable() -> bytes:
    """A 淘宝 order confirmation, UTF-8 quoted-printable."""
    msg = MIMEText(
        "您好，您的订单 3921847562019384756 已付款成功。\n商品：小米手环 9 NFC版\n实付款：¥249.00\n",
        "plain",
        "utf-8",
    )
    del msg["Content-Transfer-Encoding"]
    import quopri

    text = "您好，您的订单 3921847562019384756 已付款成功。\n商品：小米手环 9 NFC版\n实付款：¥249.00\n"
    msg.set_payload(quopri.encodestring(text.encode("utf-8")).decode("ascii"))
    msg["Content-Transfer-Encoding"] = "quoted-printable"
    msg["From"] = formataddr((str(Header("淘宝网", "utf-8")), "service@mail.taobao.com"))
    msg["To"] = "liming@example.cn"
    msg["Subject"] = str(Header("订单付款成功通知", "utf-8"))
    msg["Date"] = "Sat, 21 Nov 2026 09:15:00 +0800"
    msg["Message-ID"] = "<qp-3921847562019384756@taobao.com>"
    return msg.as_bytes()


def eml_base64_body() -> bytes:
    """A gym membership receipt, GBK text in base64."""
    text = "会员卡开通成功！\r\n门店：乐动健身（科技园店）\r\n卡种：健身月卡\r\n金额：128.00 元\r\n"
    body = base64.encodebytes(text.encode("gbk"))
    return _eml(
        [
            (
                "From",
                "=?utf-8?B?" + base64.b64encode("乐动健身".encode()).decode() + "?= <vip@ledong-fit.cn>",
            ),
            ("To", "liming@example.cn"),
            ("Subject", "=?utf-8?B?" + base64.b64encode("会员卡开通成功".encode()).decode() + "?="),
            ("Date", "Fri, 20 Nov 2026 10:30:00 +0800"),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=GBK"),
            ("Content-Transfer-Encoding", "base64"),
        ],
        body,
    )


HTML_ORDER = """<!DOCTYPE html><html><head><title>订单确认</title>
<style>body { color: red }</style>
<link rel="stylesheet" href="https://cdn.example.com/mail.css">
</head><body>
<script>document.write('x')</script>
<h1>订单确认</h1>
<p>您好&nbsp;李明，感谢您在<b>淘宝</b>购物。</p>
<img src="https://track.example.com/open.gif?u=123" width="1" height="1">
<img src="cid:logo@taobao">
<table><tr><th>商品</th><th>金额</th></tr><tr><td>华为 FreeBuds 6i</td><td>&yen;399.00</td></tr></table>
<ul><li>订单号：3921847562019384799</li><li>付款方式：支付宝</li></ul>
<p>查看订单：<a href="https://buyertrade.taobao.com/order?id=3921847562019384799">订单详情</a><br>
客服热线 &lt;9510211&gt;</p>
</body></html>"""


def eml_html_only_remote_image() -> bytes:
    """An HTML-only order e-mail with a tracking pixel and a remote stylesheet."""
    msg = MIMEText(HTML_ORDER, "html", "utf-8")
    msg["From"] = "Taobao <service@mail.taobao.com>"
    msg["To"] = "liming@example.cn"
    msg["Subject"] = str(Header("您的订单已确认", "utf-8"))
    msg["Date"] = "Sun, 22 Nov 2026 20:00:00 +0800"
    msg["Message-ID"] = "<html-3921847562019384799@taobao.com>"
    return msg.as_bytes()


def _attachment(data: bytes, maintype: str, subtype: str, filename: str) -> MIMEBase:
    part = MIMEApplication(data, subtype) if maintype == "application" else MIMEBase(maintype, subtype)
    if maintype != "application":
        part.set_payload(base64.encodebytes(data).decode("ascii"))
        part["Content-Transfer-Encoding"] = "base64"
    part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", filename))
    return part


def eml_with_invoice_pdf(pdf: bytes | None = None) -> bytes:
    """A gym's order confirmation with the e-invoice PDF, the OFD and the XML attached, plus a
    .zip that is kept inside the e-mail only. `pdf` defaults to tests/fixtures_pdf.invoice_pdf()."""
    if pdf is None:
        from tests.fixtures_pdf import invoice_pdf  # written by another helper

        pdf = invoice_pdf()
    msg = MIMEMultipart("mixed")
    msg["From"] = formataddr((str(Header("乐动健身", "utf-8")), "invoice@ledong-fit.cn"))
    msg["To"] = "liming@example.cn"
    msg["Cc"] = "finance@qingning-tech.cn"
    msg["Subject"] = str(Header(f"您的电子发票 {INVOICE_NUMBER}（健身月卡）", "utf-8"))
    msg["Date"] = "Fri, 20 Nov 2026 10:25:00 +0800"
    msg["Message-ID"] = "<invoice-24442000000123456789@ledong-fit.cn>"
    msg.attach(
        MIMEText("您好，您购买的健身月卡的电子发票已开具，请查收附件。\n价税合计 ¥128.00\n", "plain", "utf-8")
    )
    msg.attach(_attachment(pdf, "application", "pdf", f"电子发票_{INVOICE_NUMBER}.pdf"))
    msg.attach(_attachment(ofd_invoice(), "application", "ofd", f"电子发票_{INVOICE_NUMBER}.ofd"))
    msg.attach(_attachment(invoice_xml(), "application", "xml", f"{INVOICE_NUMBER}.xml"))
    msg.attach(_attachment(b"PK\x05\x06" + b"\0" * 18, "application", "zip", "会员协议.zip"))
    return msg.as_bytes()


def eml_with_inline_image() -> bytes:
    """An e-mail with an inline PNG that has a file name (listed as an attachment of kind image)."""
    msg = MIMEMultipart("related")
    msg["From"] = "shop@example.cn"
    msg["Subject"] = "seal"
    msg["Date"] = "Fri, 20 Nov 2026 10:25:00 +0800"
    msg.attach(MIMEText("<p>见印章 <img src='cid:seal'></p>", "html", "utf-8"))
    part = MIMEBase("image", "png")
    part.set_payload(base64.encodebytes(seal_png()).decode("ascii"))
    part["Content-Transfer-Encoding"] = "base64"
    part["Content-ID"] = "<seal>"
    part.add_header("Content-Disposition", "inline", filename="seal.png")
    msg.attach(part)
    return msg.as_bytes()


def eml_huge_part(encoded_bytes: int = 3 * 1024 * 1024) -> bytes:
    """An e-mail with a base64 video attachment of about `encoded_bytes` encoded bytes (tests
    lower MAX_EMAIL_PART_BYTES below its decoded size instead of using gigabytes)."""
    line = base64.b64encode(b"\x00\x01\x02" * 19)  # 76 characters
    count = encoded_bytes // (len(line) + 2) + 1
    payload = (line + b"\r\n") * count
    head = (
        "From: =?utf-8?B?" + base64.b64encode("闲鱼".encode()).decode() + "?= <notice@goofish.com>\r\n"
        "To: liming@example.cn\r\n"
        "Subject: unboxing video\r\n"
        "Date: Mon, 23 Nov 2026 12:00:00 +0800\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="BOUNDARY42"\r\n\r\n'
        "--BOUNDARY42\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "Unboxing video attached.\r\n"
        "--BOUNDARY42\r\n"
        "Content-Type: video/mp4\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        'Content-Disposition: attachment; filename="unboxing.mp4"\r\n\r\n'
    ).encode("ascii")
    return head + payload + b"--BOUNDARY42--\r\n"


def eml_nested_message() -> bytes:
    """A forwarded 淘宝 order e-mail: the original is a message/rfc822 part."""
    inner = eml_quoted_printable()
    from email import message_from_bytes

    outer = MIMEMultipart("mixed")
    outer["From"] = "李明 <liming@example.cn>"
    outer["To"] = "finance@qingning-tech.cn"
    outer["Subject"] = str(Header("转发：订单付款成功通知", "utf-8"))
    outer["Date"] = "Sat, 21 Nov 2026 10:00:00 +0800"
    outer.attach(MIMEText("请报销，原邮件见附件。", "plain", "utf-8"))
    outer.attach(MIMEMessage(message_from_bytes(inner)))
    return outer.as_bytes()


def eml_no_headers() -> bytes:
    """Plain text that is not an e-mail."""
    return "购物清单\n牛奶 两盒\n鸡蛋 一打\n".encode()
