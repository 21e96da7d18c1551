"""Benchmark search over a large library of look-alike captures (ARCHITECTURE.md §6).

Builds (or reuses) a library of N captures whose OCR text is realistic mixed Chinese and
English (chat lines, order pages, invoices, courier pages: two-character words such as
退款/发货, nicknames, phone numbers written 13800138000 / 138-0013-8000 / 138 0013 8000,
16-20 digit order numbers, amounts like ¥157.00, tracking numbers like SF1234567890123),
then times `Library.search(q, limit=20)` for a few hundred varied queries and, for
comparison, a plain LIKE scan of `search_doc` with the same normalised terms.

    .venv/bin/python bench/search_bench.py --captures 100000 --json
    .venv/bin/python bench/search_bench.py --captures 10000 --library /tmp/sb10k --queries 200 --seed 1

How the library is built, through storage's public API only: `Library.open` creates it
(real schema and migrations); purchases and merchants are added with
`Library.add_purchase`, the first few captures with `add_capture` + `set_ocr_result`; the
rest with `Library.bulk_add` in transactions of 5,000, which writes the rows, custody
events (`captured`/`imported`, `ocr_done`) and search index rows that add_capture +
set_ocr_result would, with the same storage functions; ~1% then go to the Trash with
`Library.trash`. So a change to how storage writes rows, events or the index changes the
bench library with it. Bulk captures share one tiny PNG blob. The custody chain and the
counts are checked after the build.

The library folder is reused when its `search_bench.json` records the same parameters;
a folder holding anything else is never deleted.

Timing, in three passes:

* cold (`search_cold`, unless `--no-cold`): for each query, the library is opened afresh,
  its database files (library.sqlite3, -wal, -shm) are evicted from the OS page cache with
  `posix_fadvise(POSIX_FADV_DONTNEED)` (as after a reboot), and one search is timed. What it
  read comes from /proc/self/io: `read_bytes` (bytes that really came from the disk,
  read-ahead included) and `rchar` (bytes the process read through read()/pread(), cached or
  not; SQLite reads one page per call, so rchar / page size is the pages the query touched,
  whatever the cache held). These byte counts do not depend on the machine's load; the
  time does.
* first: then every query's first run on the bench's long-lived library (the OS file cache
  is warm, SQLite's page cache is not);
* warm: it runs `--repeat` more times and its warm time is the median of those.

Overall and per-class median, p95 and max are over queries. The load average is recorded
at the start and end (timings on a loaded machine are noisy). The LIKE scan uses its own
sqlite3 connection (read only).
"""

from __future__ import annotations

import argparse
import bisect
import io
import itertools
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402

from storage import search as search_mod  # noqa: E402
from storage.library import DB_NAME, Library  # noqa: E402
from storage.normalize import normalize  # noqa: E402
from storage.records import NewCapture, OcrData, OcrWordBox  # noqa: E402
from storage.values import iso_utc  # noqa: E402

PARAMS_FILE = "search_bench.json"
#: Bump when the generator changes, so an old library is not reused.
GENERATOR_VERSION = 2
REAL_CAPTURES = 12
CHUNK = 5000


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ============================================================================ vocabulary

#: Frequent two-character words, most frequent first (sampled with Zipf-like weights).
COMMON_WORDS = (
    "订单 退款 发货 客服 质量 快递 商品 收货 售后 物流 退货 付款 老板 亲亲 谢谢 问题 地址 "
    "价格 优惠 包邮 尺码 颜色 换货 签收 店铺 评价 图片 链接 运费 平台 发票 金额 库存 "
    "投诉 破损 维修 保修 差评 好评 拍下 下单 到货 取消 申请 处理 补发 少件 漏发 错发 "
    "实付 原价 优惠券 红包 积分 会员 快件 派送 揽收 运输 中转 网点 驿站 丰巢 快递员"
).split()

#: A long tail of ordinary words (each fairly rare in the library).
RARE_WORDS = (
    "仓库 包装 纸箱 胶带 泡沫 气泡 标签 吊牌 说明 保质 生产 日期 批次 产地 厂家 品牌 "
    "正品 假货 瑕疵 色差 起球 掉色 缩水 开线 异味 划痕 裂纹 凹陷 漏液 短路 死机 卡顿 "
    "黑屏 花屏 充电 电池 续航 耳机 音质 屏幕 镜头 像素 内存 硬盘 主板 显卡 键盘 鼠标 "
    "鞋子 裤子 外套 衬衫 裙子 帽子 围巾 手套 袜子 内衣 睡衣 毛衣 卫衣 羽绒 棉袄 夹克 "
    "茶叶 咖啡 奶粉 零食 坚果 水果 蔬菜 大米 面粉 食用 调料 酱油 香醋 白糖 蜂蜜 月饼 "
    "台灯 插座 电线 灯泡 开关 水龙 花洒 马桶 浴巾 毛巾 牙刷 牙膏 洗发 沐浴 香皂 纸巾 "
    "玩具 积木 拼图 绘本 文具 铅笔 钢笔 笔记 书包 课本 字帖 画笔 颜料 画板 剪刀 胶水 "
    "沙发 床垫 枕头 被子 床单 窗帘 地毯 衣柜 书桌 椅子 餐桌 鞋柜 镜子 挂钩 收纳 衣架 "
    "冰箱 洗衣 空调 电视 风扇 烤箱 微波 电饭 炒锅 刀具 砧板 水杯 保温 茶壶 碗筷 盘子 "
    "口红 粉底 眼影 睫毛 香水 面膜 精华 乳液 防晒 卸妆 洗面 护手 指甲 发胶 梳子 镊子 "
    "周一 周二 周三 周四 周五 周末 上午 下午 晚上 明天 后天 昨天 今天 刚才 马上 稍等 "
    "确认 核实 反馈 登记 备注 截图 视频 录像 照片 凭证 证据 记录 协商 赔偿 补偿 返现 "
    "仲裁 举报 监管 消协 工商 律师 起诉 法院 合同 协议 条款 声明 承诺 保证 责任 义务 "
    "北京 上海 广州 深圳 杭州 成都 武汉 南京 西安 重庆 天津 苏州 郑州 长沙 青岛 厦门 "
    "顺丰 圆通 中通 申通 韵达 极兔 邮政 京东 德邦 百世 天猫 淘宝 拼多 闲鱼 抖音 快手 "
    "型号 规格 版本 容量 重量 长度 宽度 高度 材质 纯棉 真皮 合金 塑料 玻璃 陶瓷 木质 "
    "加急 顺延 延迟 超时 催促 催单 拒收 退回 改址 代收 自提 上门 预约 排期 缺货 预售 "
    "定金 尾款 分期 花呗 白条 余额 零钱 转账 收款 汇款 银行 支付 微信 扫码 二维 账号"
).split()

CHAT_PHRASES = (
    "你好，在吗",
    "亲，在的，请问有什么可以帮您",
    "我买的东西到现在还没发货",
    "麻烦帮我查一下物流",
    "这个质量也太差了吧",
    "收到的商品和图片不一样",
    "我要申请退款",
    "已经给您申请了退款，请注意查收",
    "请提供一下订单号",
    "亲，请拍照给我们看一下",
    "我已经拍照了你看一下",
    "能不能便宜一点",
    "今天下单明天能到吗",
    "我们会尽快给您处理的",
    "不好意思让您久等了",
    "好的，谢谢老板",
    "东西坏了怎么办",
    "可以换一个新的吗",
    "退货地址发我一下",
    "运费谁出",
    "七天无理由退换",
    "已经三天了还没收到",
    "快递显示已签收但是我没收到",
    "你们客服电话是多少",
    "加我微信聊",
    "这是假货吧",
    "我要投诉你们",
    "请不要给差评好吗",
    "给你返现五块钱",
    "亲亲这边帮您补发",
    "尺码不合适能换吗",
    "颜色发错了",
    "少发了一件",
    "包装都压坏了",
    "发票什么时候开",
    "麻烦把收货人改一下",
    "电话打不通",
    "已经退回去了，单号发你了",
    "钱什么时候退",
    "钱已经退了",
    "系统显示退款成功",
    "请耐心等待",
    "仓库那边已经在核实了",
    "这个是正常现象",
    "您好，亲",
    "嗯嗯好的",
    "收到",
    "没问题",
    "那就这样吧",
    "算了不要了",
    "好的我等你消息",
)

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲兰凤洁梅琳素云莲真环雪荣爱妹香月莺媛瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"
)
NICK_A = "小 阿 老 大 萌 胖 甜 酷 懒 乖 笨 傻 呆 皮 飞 跑 跳 笑".split()
NICK_B = list("猫狗兔熊鱼鸟羊猪鸭鹅虎龙凤鹿马牛蛇鼠星月云雨风雪花草树叶果糖茶酒")
NICK_EN = (
    "Lily Tom Amy Jack Coco Momo Kiki Nana Lucky Sunny Candy Leo Max Ben Zoe Mia Ivy Eva Ken Sam".split()
)
SHOP_A = "优品 星辰 乐活 佳美 华润 鑫源 恒通 诚信 万家 金牌 小米 良品 百货 潮流 时尚 极客 美丽 幸福 阳光 蓝天".split()
SHOP_B = "旗舰店 专营店 官方店 工作室 小铺 杂货铺 数码 服饰 家居 母婴 美妆 零食铺 电器 运动".split()
PRODUCT_A = "纯棉 加厚 新款 夏季 冬季 韩版 复古 简约 大容量 无线 蓝牙 智能 便携 家用 迷你 防水 透气 真皮 儿童 男士 女士".split()
PRODUCT_B = (
    "短袖T恤 牛仔裤 运动鞋 羽绒服 连衣裙 双肩包 保温杯 电饭煲 吹风机 充电宝 蓝牙耳机 机械键盘 "
    "无线鼠标 手机壳 数据线 台灯 床上四件套 乳胶枕 收纳箱 拖鞋 雨伞 行李箱 空气炸锅 榨汁机 "
    "电动牙刷 剃须刀 护肤套装 口红 香水 面膜 奶粉 纸尿裤 坚果礼盒 茶叶 咖啡豆 猫粮 狗粮 鱼缸"
).split()
CITIES = "北京市 上海市 广州市 深圳市 杭州市 成都市 武汉市 南京市 西安市 重庆市 天津市 苏州市 郑州市 长沙市".split()
DISTRICTS = "朝阳区 海淀区 浦东新区 天河区 南山区 西湖区 武侯区 江汉区 鼓楼区 雁塔区 渝中区 和平区 姑苏区 金水区 岳麓区".split()
ROADS = "人民路 解放路 中山路 建设路 和平路 新华路 长江路 黄河路 文化路 科技路 学院路 花园路 滨江路 青年路".split()
CARRIERS = (
    ("SF", "顺丰速运", 12),
    ("YT", "圆通速递", 13),
    ("JT", "极兔速递", 13),
    ("JD", "京东物流", 13),
    ("ZTO", "中通快递", 12),
)
COURIER_LINES = (
    "快件已由{city}转运中心发出",
    "快件到达【{city}集散中心】",
    "快件已揽收",
    "正在派送途中，快递员{name}，电话{phone}",
    "快件已签收，签收人：本人",
    "快件已放入{station}驿站，请凭取件码取件",
    "您的快件已退回",
    "快件派送不成功，原因：{reason}",
)
REASONS = ("电话无人接听", "地址错误", "客户拒收", "客户要求改天派送", "门卫代收")
ENGLISH = (
    "order refund shipping delivered delivery tracking invoice receipt total subtotal payment paid "
    "customer service support return exchange warranty quality damaged missing package parcel seller "
    "buyer store shop account address phone email confirm cancel cancelled pending processing shipped "
    "dispatched estimated arrival date quantity price discount coupon tax amount balance wallet transfer "
    "please thank hello sorry wait check photo screenshot complaint dispute resolved closed open item "
    "color size model version battery charger cable headphones keyboard mouse screen camera bluetooth "
    "wireless original genuine fake broken defective replacement compensation escrow platform merchant"
).split()
BRANDS = "Apple Xiaomi Huawei OPPO vivo Nike Adidas Uniqlo Anker Logitech Philips Midea Haier Lenovo Sony Canon".split()
PLATFORM_APPS = (
    ("微信", "wechat"),
    ("淘宝", "taobao"),
    ("京东", "jd"),
    ("拼多多", "pinduoduo"),
    ("闲鱼", "xianyu"),
    ("抖音", "douyin"),
)
TITLE_WORDS = (
    "订单详情",
    "聊天记录",
    "退款详情",
    "物流详情",
    "电子发票",
    "售后服务",
    "Order details",
    "交易快照",
)


def zipf_weights(n: int, s: float = 1.0) -> list[float]:
    return list(itertools.accumulate(1.0 / (i + 1) ** s for i in range(n)))


class Generator:
    """Seeded generator of OCR-like capture texts drawing from pools of entities, so that
    common words match many captures and numbers match one or a few."""

    def __init__(self, seed: int, captures: int) -> None:
        self.r = random.Random(seed)
        r = self.r
        n = max(captures, 1000)
        self.words = COMMON_WORDS + RARE_WORDS
        self.word_cum = zipf_weights(len(self.words), 0.9)
        self.phones = [self._phone() for _ in range(n // 4)]
        self.orders = [
            str(r.randint(1, 9)) + "".join(r.choice("0123456789") for _ in range(r.randint(15, 19)))
            for _ in range(n // 3)
        ]
        self.tracking = []
        for _ in range(n // 4):
            code, _name, digits = r.choice(CARRIERS)
            self.tracking.append(code + "".join(r.choice("0123456789") for _ in range(digits)))
        self.names = [
            r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.randint(1, 2)))
            for _ in range(n // 5)
        ]
        self.nicks = [self._nick() for _ in range(n // 10)]
        self.shops = [r.choice(SHOP_A) + r.choice(SHOP_B) for _ in range(200)]
        self.products = [r.choice(PRODUCT_A) + r.choice(PRODUCT_B) for _ in range(1500)]

    # ----------------------------------------------------------------- entities

    def _phone(self) -> str:
        r = self.r
        return "1" + r.choice("3456789") + "".join(r.choice("0123456789") for _ in range(9))

    def _nick(self) -> str:
        r = self.r
        k = r.random()
        if k < 0.4:
            return r.choice(NICK_A) + r.choice(NICK_B) + r.choice(NICK_B)
        if k < 0.7:
            return r.choice(NICK_EN) + "_" + str(r.randint(1, 9999))
        return (
            r.choice(NICK_B)
            + r.choice(NICK_B)
            + r.choice(("酱", "宝宝", "君", "儿", "🌸", ""))
            + str(r.choice(("", r.randint(1, 99))))
        )

    def word(self) -> str:
        return self.words[bisect.bisect(self.word_cum, self.r.random() * self.word_cum[-1])]

    def phone_text(self, phone: str) -> str:
        k = self.r.random()
        if k < 0.55:
            return phone
        if k < 0.75:
            return f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
        if k < 0.92:
            return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
        return f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}"

    def amount(self) -> str:
        r = self.r
        yuan = int(r.lognormvariate(4.5, 1.1)) + 1
        cents = r.choice(("00", "00", "00", "90", "50", f"{r.randint(0, 99):02d}"))
        return f"{yuan}.{cents}"

    def when(self) -> str:
        r = self.r
        d = datetime(2023, 1, 1) + timedelta(seconds=r.randint(0, 3 * 365 * 86400))
        return d.strftime("%Y-%m-%d %H:%M:%S")

    def address(self) -> str:
        r = self.r
        return f"{r.choice(CITIES)}{r.choice(DISTRICTS)}{r.choice(ROADS)}{r.randint(1, 999)}号{r.randint(1, 30)}栋{r.randint(101, 2808)}"

    def chat_line(self) -> str:
        r = self.r
        k = r.random()
        if k < 0.35:
            s = r.choice(CHAT_PHRASES)
        elif k < 0.6:
            s = f"{self.word()}的问题{r.choice(('怎么处理', '什么时候能解决', '我已经说了好几次了', '麻烦看一下'))}，{self.word()}{self.word()}"
        elif k < 0.7:
            s = f"订单号{r.choice(self.orders)}，{r.choice(('帮我看下', '申请退款', '还没发货', '能改地址吗'))}"
        elif k < 0.78:
            s = f"我电话{self.phone_text(r.choice(self.phones))}，{r.choice(('打我电话', '加我微信', '有事联系'))}"
        elif k < 0.86:
            s = f"单号{r.choice(self.tracking)} {r.choice(('已经寄回', '你查一下', '显示签收了'))}"
        elif k < 0.93:
            s = f"实付¥{self.amount()}，{r.choice(('能退多少', '退我差价', '运费另算', '多付了'))}"
        else:
            s = " ".join(r.choice(ENGLISH) for _ in range(r.randint(2, 6)))
        if r.random() < 0.3:
            s += self.word() + self.word()
        return s

    # ----------------------------------------------------------------- pages

    def chat(self) -> list[str]:
        r = self.r
        me, them = r.choice(self.nicks), r.choice(self.shops + self.nicks)
        app = r.choice(PLATFORM_APPS)[0]
        lines = [
            f"{app} {them}",
            r.choice(("", f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}", self.when()[:10])),
        ]
        for _ in range(30):
            who = r.choice((me, them, "", ""))
            lines.append((who + "：" if who else "") + self.chat_line())
        return lines

    def order_page(self) -> list[str]:
        r = self.r
        total = self.amount()
        lines = [
            r.choice(("订单详情", "交易成功", "待收货", "退款成功", "已发货")),
            f"{r.choice(self.shops)} {r.choice(self.products)} x{r.randint(1, 3)}",
            f"¥{total}",
            f"订单编号：{r.choice(self.orders)} 复制",
            f"创建时间：{self.when()}",
            f"付款时间：{self.when()}",
            f"收货人：{r.choice(self.names)} {self.phone_text(r.choice(self.phones))}",
            f"收货地址：{self.address()}",
            f"商品总价 ¥{self.amount()} 运费 ¥{r.choice(('0.00', '6.00', '10.00', '12.00'))}",
            f"实付款 ¥{total}",
        ]
        code, name, _ = r.choice(CARRIERS)
        lines.append(f"{name} 运单号 {r.choice(self.tracking)}")
        lines += [self.chat_line() for _ in range(20)]
        return lines

    def invoice(self) -> list[str]:
        r = self.r
        amt = self.amount()
        credit = "91" + "".join(r.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(16))
        lines = [
            r.choice(("电子发票（普通发票）", "增值税电子普通发票", "Invoice")),
            f"发票代码：0{r.randint(10**10, 10**11 - 1)} 发票号码：{r.randint(10**7, 10**8 - 1)}",
            f"开票日期：{self.when()[:10]}",
            f"购买方 名称：{r.choice(self.names)} 纳税人识别号：{credit}",
            f"销售方 名称：{r.choice(self.shops)}有限公司 电话：{self.phone_text(r.choice(self.phones))}",
            f"项目名称 {r.choice(self.products)} 数量 {r.randint(1, 5)} 金额 {amt} 税率 13%",
            f"价税合计（小写）¥{amt}",
            f"Invoice No. {r.randint(10**9, 10**10)} Total CNY {amt} {r.choice(ENGLISH)} {r.choice(ENGLISH)}",
        ]
        lines += [self.chat_line() for _ in range(15)]
        return lines

    def courier(self) -> list[str]:
        r = self.r
        code, name, _ = r.choice(CARRIERS)
        lines = [
            f"{name} 运单号：{r.choice(self.tracking)}",
            f"{r.choice(('运输中', '派送中', '已签收', '退回中'))}",
        ]
        for _ in range(20):
            t = self.when()
            line = r.choice(COURIER_LINES).format(
                city=r.choice(CITIES),
                name=r.choice(self.names),
                phone=self.phone_text(r.choice(self.phones)),
                station=r.choice(("菜鸟", "兔喜", "妈妈")),
                reason=r.choice(REASONS),
            )
            lines.append(f"{t} {line}")
            if r.random() < 0.3:
                lines.append(self.chat_line())
        return lines

    def webshop(self) -> list[str]:
        r = self.r
        lines = [
            f"{r.choice(BRANDS)} Store - Order #{r.choice(self.orders)}",
            f"Thank you for your order, {r.choice(NICK_EN)}!",
            f"Item: {r.choice(BRANDS)} {r.choice(ENGLISH)} {r.choice(ENGLISH)} Qty {r.randint(1, 4)}",
            f"Total: ¥{self.amount()}  Payment: {r.choice(('Alipay', 'WeChat Pay', 'Visa', 'UnionPay'))}",
            f"Tracking number: {r.choice(self.tracking)}",
            f"Phone: {self.phone_text(r.choice(self.phones))}",
        ]
        for _ in range(15):
            lines.append(
                " ".join(r.choice(ENGLISH) for _ in range(r.randint(3, 8)))
                if r.random() < 0.6
                else self.chat_line()
            )
        return lines

    def text(self) -> str:
        r = self.r
        kind = r.choices(
            (self.chat, self.order_page, self.invoice, self.courier, self.webshop), (45, 25, 8, 12, 10)
        )[0]
        lines = [x for x in kind() if x]
        target = r.randint(240, 360)
        out: list[str] = []
        n = 0
        for line in lines:
            if n >= target:
                break
            if r.random() < 0.12:  # tesseract's spaces between CJK characters
                line = " ".join(line) if len(line) < 40 else line
            out.append(line)
            n += len(line) + 1
        return "\n".join(out)

    def note(self) -> str | None:
        r = self.r
        if r.random() < 0.06:
            return f"{self.word()}{r.choice(('证据', '记得跟进', '第二次沟通', '对方承认了'))} {r.choice(('', self.phone_text(r.choice(self.phones))))}".strip()
        return None


def ocr_words(txt: str, r: random.Random) -> list[list[Any]]:
    """Word boxes like tesseract's: one per whitespace-separated token."""
    out: list[list[Any]] = []
    for y, line in enumerate(txt.split("\n")):
        x = 12
        for tok in line.split():
            w = 9 * len(tok) + 2
            out.append([tok, x, 20 + 28 * y, x + w, 42 + 28 * y, round(r.uniform(55, 97), 1)])
            x += w + 8
    return out


def tiny_png(seed: int) -> bytes:
    img = Image.new("RGB", (4, 3), ((seed * 37) % 256, (seed * 91) % 256, (seed * 53) % 256))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


# ============================================================================ build


def library_params(args: argparse.Namespace) -> dict[str, Any]:
    from storage.db import head_revision

    # The index version and schema make a library built by other storage code not reused
    # (Library.open would otherwise rebuild its index row by row before the timing).
    return {
        "generator": GENERATOR_VERSION,
        "captures": args.captures,
        "seed": args.seed,
        "index": search_mod.INDEX_VERSION,
        "schema": head_revision(),
    }


#: Gives capture number `i` (0 = oldest) its image bytes; None: tiny PNGs.
ImageFor = Callable[[int], bytes]


def build(root: Path, captures: int, seed: int, image_for: ImageFor | None = None) -> dict[str, Any]:
    """Build the library: purchases through `add_purchase`, the first captures through
    `add_capture` + `set_ocr_result`, the rest through `Library.bulk_add` (the same rows,
    custody events and search documents, written by storage's own functions), then ~1%
    of them to the Trash with `Library.trash`. `image_for(i)` gives capture i its bytes
    (library_bench's screenshots); without it the first captures get tiny PNGs of their
    own and the bulk captures share one."""
    t0 = time.perf_counter()
    gen = Generator(seed, captures)
    r = gen.r
    lib = Library.open(root)
    try:
        # ---- purchases and merchants, through the real API
        n_purchases = max(10, captures // 40)
        merchants = []
        for i in range(max(5, n_purchases // 3)):
            app_name, plat = r.choice(PLATFORM_APPS)
            merchants.append(
                {
                    "display_name": f"{r.choice(gen.shops)}{i}",
                    "platform": plat,
                    # A WeChat ID follows WeChat's rule (the library checks it); other
                    # platforms' account names are nicknames.
                    "account_id": f"shop_{r.randint(10**5, 10**9)}"
                    if plat == "wechat"
                    else r.choice(gen.nicks),
                    "phone": r.choice(gen.phones),
                    "real_name": r.choice(gen.names) if r.random() < 0.5 else None,
                    "shop_url": f"https://shop{r.randint(10**6, 10**8)}.{plat}.com"
                    if r.random() < 0.3
                    else None,
                }
            )
        pids: list[int] = []
        for i in range(n_purchases):
            p = lib.add_purchase(
                {
                    "title": r.choice(gen.products),
                    "order_no": r.choice(gen.orders),
                    "amount": gen.amount(),
                    "status": r.choice(("open", "open", "disputed", "resolved", "closed")),
                    "notes": f"{gen.word()}{gen.word()}" if r.random() < 0.3 else None,
                },
                merchant=r.choice(merchants),
            )
            pids.append(p.id)
            if i % 500 == 0:
                log(f"purchases {i}/{n_purchases}")
        log(f"purchases {n_purchases} done in {time.perf_counter() - t0:.1f}s")

        start = datetime(2022, 1, 1, tzinfo=UTC)
        step = (datetime(2025, 12, 1, tzinfo=UTC) - start) / max(captures, 1)

        def captured_at(i: int) -> str:
            return iso_utc(start + step * i + timedelta(seconds=r.randint(0, 59)))

        def pick_purchase() -> int | None:
            return r.choice(pids) if r.random() < 0.6 else None

        def words_of(txt: str) -> tuple[OcrWordBox, ...]:
            return tuple(OcrWordBox(w[0], (w[1], w[2], w[3], w[4]), w[5]) for w in ocr_words(txt, r))

        # ---- a few real captures through add_capture + set_ocr_result
        n_real = min(REAL_CAPTURES, captures)
        for i in range(n_real):
            txt = gen.text()
            cap = lib.add_capture(
                image_for(i) if image_for else tiny_png(i),
                source=r.choice(("region", "fullscreen", "clipboard")),
                purchase_id=pick_purchase(),
                note=gen.note(),
                captured_at=captured_at(i),
                utc_offset_min=480,
                source_name="微信",
            )
            lib.set_ocr_result(cap.id, OcrData(txt, "tesseract", "5.3.0", "chi_sim+eng", 88.5, words_of(txt)))
        log(f"{n_real} captures through add_capture in {time.perf_counter() - t0:.1f}s")

        # ---- the rest through bulk_add
        shared_png = tiny_png(10_000)
        to_trash: list[int] = []  # positions among the bulk captures

        def bulk() -> Iterator[NewCapture]:
            for i in range(n_real, captures):
                txt, note, pid = gen.text(), gen.note(), pick_purchase()
                at = captured_at(i)
                source = r.choice(("region", "region", "fullscreen", "clipboard", "import"))
                source_name = r.choice(PLATFORM_APPS)[0] + (" - 聊天" if r.random() < 0.5 else "")
                words = words_of(txt)
                conf = round(r.uniform(60, 95), 1)
                if r.random() < 0.01:
                    to_trash.append(i - n_real)
                yield NewCapture(
                    image_for(i) if image_for else shared_png,
                    source,
                    captured_at=at,
                    utc_offset_min=480,
                    source_name=source_name,
                    purchase_id=pid,
                    note=note,
                    ocr=OcrData(txt, "tesseract", "5.3.0", "chi_sim+eng", conf, words),
                )
                if (i + 1) % CHUNK == 0:
                    log(f"captures {i + 1}/{captures}  {time.perf_counter() - t0:.0f}s")

        ids = lib.bulk_add(bulk(), per_transaction=CHUNK)
        if to_trash:
            lib.trash([ids[k] for k in to_trash])
        log(f"captures {captures}/{captures} ({len(to_trash)} in the Trash)  {time.perf_counter() - t0:.0f}s")
    finally:
        lib.close()  # the last connection checkpoints the WAL into the database file
    build_s = time.perf_counter() - t0

    # ---- checks: the custody chain and the index, as the library itself sees them
    with Library.open(root) as lib:
        problems = lib.verify_custody()
        if problems:
            raise SystemExit(f"custody chain broken: {problems[:3]}")
        if lib.count_captures()["all"] + len(to_trash) != captures:
            raise SystemExit(f"the library holds {lib.count_captures()} captures, not {captures}")
    log(f"build checked (custody chain, counts) in {time.perf_counter() - t0 - build_s:.1f}s")
    return {"build_seconds": round(build_s, 1), "purchases": n_purchases}


def prepare_library(args: argparse.Namespace) -> tuple[Path, dict[str, Any], bool]:
    root = Path(args.library or f"/tmp/proofshot-search-bench-{args.captures}-s{args.seed}").absolute()
    pfile = root / PARAMS_FILE
    want = library_params(args)
    if pfile.is_file():
        info = json.loads(pfile.read_text())
        if info.get("params") == want and (root / DB_NAME).is_file():
            log(f"reusing the library at {root}")
            return root, info, True
        log(f"{root} holds a bench library with other parameters; rebuilding it")
        shutil.rmtree(root)
    elif root.exists() and any(root.iterdir()):
        raise SystemExit(f"{root} exists and is not a search bench library; give an empty or new folder")
    log(f"building a library of {args.captures} captures at {root}")
    info = {"params": want, **build(root, args.captures, args.seed)}
    pfile.write_text(json.dumps(info, indent=1) + "\n")
    return root, info, False


# ============================================================================ queries

CJK_RUN = re.compile(r"[\u4e00-\u9fff]{3,}")
PHONE_RE = re.compile(r"(?<!\d)1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)")
ORDER_RE = re.compile(r"(?<![\d#])\d{16,20}(?!\d)")
TRACK_RE = re.compile(r"\b(?:SF|YT|JT|JD|ZTO)\d{12,13}\b")
AMOUNT_RE = re.compile(r"¥(\d+\.\d\d)")
EN_RE = re.compile(r"\b[A-Za-z]{4,}\b")

#: class -> share of the queries
CLASSES = {
    "cjk_1char": 10,
    "cjk_2char_common": 20,
    "cjk_2char_rare": 15,
    "cjk_phrase_3to8": 25,
    "cjk_long_line": 10,
    "and_terms": 25,
    "phone_digits": 10,
    "phone_separated": 10,
    "number_partial": 15,
    "order_no": 15,
    "tracking_no": 10,
    "english": 15,
    "amount": 10,
    "no_match": 10,
}


def make_queries(db: Path, n: int, seed: int) -> list[tuple[str, str]]:
    r = random.Random(seed * 7919 + 17)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    maxid = con.execute("SELECT max(id) FROM captures").fetchone()[0]
    texts: list[str] = []
    while len(texts) < 400:
        row = con.execute("SELECT ocr_text FROM captures WHERE id = ?", (r.randint(1, maxid),)).fetchone()
        if row and row[0]:
            texts.append(row[0])
    con.close()

    def found(rx: re.Pattern[str]) -> list[str]:
        return [m.group(0) for t in texts for m in rx.finditer(t)]

    phones = [re.sub(r"\D", "", p) for p in found(PHONE_RE)]
    orders, tracks = found(ORDER_RE), found(TRACK_RE)
    amounts = [m.group(1) for t in texts for m in AMOUNT_RE.finditer(t)]
    english = [w for w in found(EN_RE)]
    runs = found(CJK_RUN)
    lines = [ln for t in texts for ln in t.split("\n") if 15 <= len(ln) <= 45]
    chars = [c for t in texts for c in t if "\u4e00" <= c <= "\u9fff"]
    common, rare = COMMON_WORDS[:20], RARE_WORDS

    def phrase() -> str:
        run = r.choice(runs)
        k = r.randint(3, min(8, len(run)))
        i = r.randint(0, len(run) - k)
        return run[i : i + k]

    def fmt_phone(p: str) -> str:
        return r.choice(
            (
                f"{p[:3]}-{p[3:7]}-{p[7:]}",
                f"{p[:3]} {p[3:7]} {p[7:]}",
                f"+86 {p[:3]} {p[3:7]} {p[7:]}",
                f"({p[:3]}) {p[3:7]}-{p[7:]}",
            )
        )

    def partial() -> str:
        src = r.choice((r.choice(phones), r.choice(orders)))
        k = r.randint(4, 8)
        i = r.randint(0, len(src) - k)
        return src[i : i + k]

    def same_text_terms() -> str:
        """2-3 terms found together in one capture's text (so the AND matches)."""
        t = r.choice(texts)
        norm = normalize(t)
        pool = [w for w in COMMON_WORDS + RARE_WORDS if w in norm]
        pool += [m.group(0) for rx in (PHONE_RE, ORDER_RE, TRACK_RE) for m in rx.finditer(t)]
        pool += [m.group(0) for m in AMOUNT_RE.finditer(t)] + EN_RE.findall(t)[:5]
        runs_t = CJK_RUN.findall(t)
        if runs_t:
            run = r.choice(runs_t)
            k = r.randint(3, min(6, len(run)))
            pool.append(run[:k])
        pool = list(dict.fromkeys(pool))
        return " ".join(r.sample(pool, min(len(pool), r.randint(2, 3))))

    def and_terms() -> str:
        opts = [
            same_text_terms,
            same_text_terms,
            same_text_terms,
            same_text_terms,
            lambda: f"{r.choice(common)} {r.choice(common)}",
            lambda: f"{r.choice(common)} {r.choice(rare)}",
            lambda: f"{r.choice(common)} {r.choice(phones)}",
            lambda: f"{r.choice(english)} {r.choice(english)}",
        ]
        return r.choice(opts)()

    def no_match() -> str:
        return r.choice(
            (
                lambda: "龘靐齉",
                lambda: "龘",
                lambda: "靐齉",
                lambda: "".join(r.choice("0123456789") for _ in range(19)),
                lambda: "zyxwvutqq",
                lambda: f"{r.choice(common)} 齉龘",
                lambda: f"{r.choice(common)} {r.choice(common)} xqzjv",
                lambda: "量子纠缠退款",
            )
        )()

    makers = {
        "cjk_1char": lambda: r.choice(chars),
        "cjk_2char_common": lambda: r.choice(common),
        "cjk_2char_rare": lambda: r.choice(rare),
        "cjk_phrase_3to8": phrase,
        "cjk_long_line": lambda: r.choice(lines),
        "and_terms": and_terms,
        "phone_digits": lambda: r.choice(phones),
        "phone_separated": lambda: fmt_phone(r.choice(phones)),
        "number_partial": partial,
        "order_no": lambda: r.choice(orders),
        "tracking_no": lambda: r.choice(tracks),
        "english": lambda: r.choice((r.choice(english), r.choice(english).upper(), r.choice(ENGLISH))),
        "amount": lambda: r.choice(
            (f"¥{r.choice(amounts)}", r.choice(amounts), f"¥{r.choice(amounts).split('.')[0]}")
        ),
        "no_match": no_match,
    }
    total = sum(CLASSES.values())
    counts = {k: max(1, round(v * n / total)) for k, v in CLASSES.items()}
    while sum(counts.values()) > n:
        counts[max(counts, key=counts.get)] -= 1  # type: ignore[arg-type]
    while sum(counts.values()) < n:
        counts["cjk_phrase_3to8"] += 1
    queries = [(cls, makers[cls]()) for cls, k in counts.items() for _ in range(k)]
    r.shuffle(queries)
    return queries


# ============================================================================ measuring


def stats(ms: list[float]) -> dict[str, float]:
    if not ms:
        return {}
    s = sorted(ms)
    p95 = s[min(len(s) - 1, max(0, int(round(0.95 * len(s) + 0.5)) - 1))]
    return {
        "n": len(s),
        "median_ms": round(statistics.median(s), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(s[-1], 2),
    }


def proc_io() -> dict[str, int]:
    """This process's I/O counters (Linux /proc/self/io); empty where there are none."""
    try:
        with open("/proc/self/io") as f:
            return {k: int(v) for k, v in (line.split(":") for line in f if ":" in line)}
    except OSError:
        return {}


def evict(root: Path) -> None:
    """Drop the library database's files from the OS page cache (as after a reboot)."""
    for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm"):
        path = root / name
        if not path.exists():
            continue
        fd = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def cold_pass(root: Path, queries: list[tuple[str, str]], page_size: int) -> list[dict[str, Any]]:
    """Each query once on a freshly opened library with its files evicted from the OS cache."""
    out = []
    for i, (_cls, q) in enumerate(queries):
        with Library.open(root) as lib:
            evict(root)
            before = proc_io()
            t = time.perf_counter()
            lib.search(q, limit=20)
            ms = (time.perf_counter() - t) * 1000
            after = proc_io()
        d = {k: after.get(k, 0) - before.get(k, 0) for k in ("read_bytes", "rchar", "syscr")}
        out.append(
            {
                "search_cold_ms": round(ms, 2),
                "cold_read_bytes": d["read_bytes"],
                "cold_rchar": d["rchar"],
                "cold_pages": round(d["rchar"] / page_size, 1),
                "cold_reads": d["syscr"],
            }
        )
        if i % 50 == 49:
            log(f"cold queries {i + 1}/{len(queries)}")
    return out


def byte_stats(values: list[int]) -> dict[str, float]:
    """median, p95 and max of byte counts, in MB (10^6 bytes)."""
    if not values:
        return {}
    s = sorted(values)
    p95 = s[min(len(s) - 1, max(0, int(round(0.95 * len(s) + 0.5)) - 1))]
    return {
        "median_mb": round(statistics.median(s) / 1e6, 3),
        "p95_mb": round(p95 / 1e6, 3),
        "max_mb": round(s[-1] / 1e6, 3),
    }


def like_sql(terms: tuple[str, ...]) -> str:
    cond = " AND ".join("body LIKE ?" for _ in terms)
    return f"SELECT capture_id FROM search_doc WHERE {cond} ORDER BY capture_id DESC LIMIT 20"


def run(args: argparse.Namespace) -> dict[str, Any]:
    root, info, reused = prepare_library(args)
    db = root / DB_NAME
    queries = make_queries(db, args.queries, args.seed)
    load_start = os.getloadavg()
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c0:
        page_size = c0.execute("PRAGMA page_size").fetchone()[0]
    cold = cold_pass(root, queries, page_size) if args.cold else [{} for _ in queries]
    lib = Library.open(root)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    # A read-only engine of the bench's own for the "matches" statistic.
    stats_engine = create_engine(f"sqlite:///file:{db}?mode=ro&uri=true")
    try:
        n_caps = con.execute("SELECT count(*) FROM captures").fetchone()[0]
        per_query = []
        for i, (cls, q) in enumerate(queries):
            parsed = search_mod.parse_query(q)
            # How many captures contain every term (the per-character index answers any term).
            with stats_engine.connect() as c:
                matches = search_mod.count_matches(c, parsed)
            # search: first run, then warm repeats
            t = time.perf_counter()
            hits = lib.search(q, limit=20)
            first = (time.perf_counter() - t) * 1000
            warm = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                lib.search(q, limit=20)
                warm.append((time.perf_counter() - t) * 1000)
            # LIKE baseline
            sql, likes = like_sql(parsed.terms), [f"%{t}%" for t in parsed.terms]
            t = time.perf_counter()
            like_ids = [x for (x,) in con.execute(sql, likes)]
            like_first = (time.perf_counter() - t) * 1000
            like_warm = []
            for _ in range(args.like_repeat):
                t = time.perf_counter()
                con.execute(sql, likes).fetchall()
                like_warm.append((time.perf_counter() - t) * 1000)
            per_query.append(
                {
                    "class": cls,
                    "query": q,
                    "terms": list(parsed.terms),
                    "matches": matches,
                    "hits": len(hits),
                    "like_hits": len(like_ids),
                    "search_first_ms": round(first, 2),
                    "search_ms": round(statistics.median(warm), 2) if warm else round(first, 2),
                    "like_first_ms": round(like_first, 2),
                    "like_ms": round(statistics.median(like_warm), 2) if like_warm else round(like_first, 2),
                    **cold[i],
                }
            )
            if i % 20 == 19:
                log(f"queries {i + 1}/{len(queries)}")
    finally:
        con.close()
        stats_engine.dispose()
        lib.close()
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    db_size = sum((root / n).stat().st_size for n in (DB_NAME, DB_NAME + "-wal") if (root / n).exists())
    by_class: dict[str, Any] = {}
    for cls in CLASSES:
        rows = [q for q in per_query if q["class"] == cls]
        if rows:
            by_class[cls] = {
                "queries": len(rows),
                "median_matches": statistics.median(q["matches"] for q in rows),
                "search": stats([q["search_ms"] for q in rows]),
                "search_first": stats([q["search_first_ms"] for q in rows]),
                "like": stats([q["like_ms"] for q in rows]),
                **(cold_stats(rows) if args.cold else {}),
                "example": rows[0]["query"],
            }
    return {
        "captures": n_caps,
        "library": str(root),
        "reused_library": reused,
        "build_seconds": info.get("build_seconds"),
        "library_bytes": size,
        "database_bytes": db_size,
        "queries": len(per_query),
        "repeat": args.repeat,
        "machine": {
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(),
        },
        "search": stats([q["search_ms"] for q in per_query]),
        "search_first": stats([q["search_first_ms"] for q in per_query]),
        "like": stats([q["like_ms"] for q in per_query]),
        **(cold_stats(per_query) if args.cold else {}),
        "page_size": page_size,
        "load_average": {
            "start": [round(x, 2) for x in load_start],
            "end": [round(x, 2) for x in os.getloadavg()],
        },
        "by_class": by_class,
        "slowest": sorted(per_query, key=lambda q: -q["search_ms"])[:10],
        "most_read_cold": sorted(per_query, key=lambda q: -q.get("cold_rchar", 0))[:10] if args.cold else [],
        **({"per_query": per_query} if args.per_query else {}),
    }


def cold_stats(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "search_cold": stats([q["search_cold_ms"] for q in rows]),
        "cold_read": byte_stats([q["cold_read_bytes"] for q in rows]),
        "cold_rchar": byte_stats([q["cold_rchar"] for q in rows]),
        "cold_pages": {
            "median": statistics.median(q["cold_pages"] for q in rows),
            "p95": sorted(q["cold_pages"] for q in rows)[
                min(len(rows) - 1, int(round(0.95 * len(rows) + 0.5)) - 1)
            ],
            "max": max(q["cold_pages"] for q in rows),
        },
    }


def table(res: dict[str, Any]) -> str:
    cold = "search_cold" in res
    out = [
        f"captures {res['captures']}  build {res['build_seconds']} s  library {res['library_bytes'] / 1e6:.0f} MB "
        f"(database {res['database_bytes'] / 1e6:.0f} MB)  queries {res['queries']}  "
        f"python {res['machine']['python']}  sqlite {res['machine']['sqlite']}  cpus {res['machine']['nproc']}  "
        f"load {res['load_average']['start'][0]}-{res['load_average']['end'][0]}",
        "",
        f"{'class':<18} {'n':>3} {'matches':>8} | {'search ms: med':>14} {'p95':>7} {'max':>7} | "
        f"{'first p95':>9} | {'LIKE ms: med':>12} {'p95':>7} {'max':>7}"
        + (
            f" | {'cold ms p95':>11} {'read MB med':>11} {'p95':>6} {'pages med':>9} {'p95':>6}"
            if cold
            else ""
        ),
    ]

    def row(name: str, n: int, matches: Any, c: dict[str, Any]) -> str:
        s, f, lk = c["search"], c["search_first"], c["like"]
        line = (
            f"{name:<18} {n:>3} {matches!s:>8} | {s['median_ms']:>14.1f} {s['p95_ms']:>7.1f} {s['max_ms']:>7.1f} | "
            f"{f['p95_ms']:>9.1f} | {lk['median_ms']:>12.1f} {lk['p95_ms']:>7.1f} {lk['max_ms']:>7.1f}"
        )
        if cold:
            r, pg = c["cold_read"], c["cold_pages"]
            line += (
                f" | {c['search_cold']['p95_ms']:>11.1f} {r['median_mb']:>11.2f} {r['p95_mb']:>6.2f}"
                f" {pg['median']:>9.0f} {pg['p95']:>6.0f}"
            )
        return line

    for cls, c in res["by_class"].items():
        out.append(row(cls, c["queries"], c["median_matches"], c))
    out.append(row("ALL", res["queries"], "", res))
    out += ["", "slowest searches (warm ms):"]
    for q in res["slowest"]:
        out.append(f"  {q['search_ms']:>8.1f}  {q['class']:<18} matches {q['matches']:>6}  {q['query']!r}")
    if res.get("most_read_cold"):
        out += ["", "most pages read by a cold search (pages, MB from disk):"]
        for q in res["most_read_cold"]:
            out.append(
                f"  {q['cold_pages']:>8.0f} {q['cold_read_bytes'] / 1e6:>6.2f}  {q['class']:<18} "
                f"matches {q['matches']:>6}  {q['query']!r}"
            )
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--captures", type=int, default=100_000)
    ap.add_argument(
        "--library", help="library folder (built there, or reused if built with the same parameters)"
    )
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3, help="warm timed runs per query (median kept)")
    ap.add_argument("--like-repeat", type=int, default=1, help="warm timed runs of the LIKE scan per query")
    ap.add_argument(
        "--no-cold",
        dest="cold",
        action="store_false",
        help="skip the cold pass (each query on a fresh library with its files evicted from the OS cache)",
    )
    ap.add_argument("--json", action="store_true", help="print one JSON object to stdout")
    ap.add_argument("--per-query", action="store_true", help="include every query's timings in the JSON")
    args = ap.parse_args()
    if args.captures < 1 or args.queries < 1:
        ap.error("--captures and --queries must be positive")
    res = run(args)
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
    else:
        print(table(res))


if __name__ == "__main__":
    main()
