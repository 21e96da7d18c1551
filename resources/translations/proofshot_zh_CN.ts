<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en_US">
<context>
    <name>CaptureActions</name>
    <message>
        <source>Inbox</source>
        <translation>收件箱</translation>
    </message>
    <message>
        <source>Moved {n} capture(s) to {where}</source>
        <translation>已将 {n} 张截图移到“{where}”</translation>
    </message>
    <message>
        <source>Inbox (no purchase)</source>
        <translation>收件箱（不归入订单）</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>What does this capture show?</source>
        <translation>这张截图记录了什么？</translation>
    </message>
    <message>
        <source>Note saved</source>
        <translation>备注已保存</translation>
    </message>
    <message>
        <source>The note was changed elsewhere in the meantime. Your text was added after it; nothing was lost.</source>
        <translation>这条备注刚刚在别处被修改过。你写的内容已接在它后面，什么都没有丢。</translation>
    </message>
    <message>
        <source>Moved {n} capture(s) to the Trash. They stay there until you empty it.</source>
        <translation>已将 {n} 张截图移到回收站。在清空回收站之前，它们会一直保留在那里。</translation>
    </message>
    <message>
        <source>Restored {n} capture(s)</source>
        <translation>已恢复 {n} 张截图</translation>
    </message>
    <message>
        <source>Empty the Trash?</source>
        <translation>清空回收站？</translation>
    </message>
    <message>
        <source>{n} capture(s) will be deleted for good, with their original files. This cannot be undone. The custody log keeps a record that they were deleted.</source>
        <translation>{n} 张截图及其原图文件将被永久删除，无法撤销。保管记录中会记下它们已被删除。</translation>
    </message>
    <message>
        <source>Deleted {n} capture(s) for good</source>
        <translation>已永久删除 {n} 张截图</translation>
    </message>
    <message>
        <source>Reading the text again…</source>
        <translation>正在重新识别文字…</translation>
    </message>
    <message>
        <source>Image copied</source>
        <translation>图片已复制</translation>
    </message>
    <message>
        <source>E-mails are shown here as text only, so that nothing they point to is loaded; the original file is kept unchanged and is in the export.</source>
        <translation>邮件在这里只以文字显示，不加载它指向的任何内容；原始文件保持不变，并会包含在导出中。</translation>
    </message>
</context>
<context>
    <name>CaptureListModel</name>
    <message>
        <source>{date} {time} ({offset})</source>
        <extracomment>Trusted time: a capture&apos;s stamp status in words (set by the library window).</extracomment>
        <translation>{date} {time}（{offset}）</translation>
    </message>
    <message>
        <source>Inbox</source>
        <translation>收件箱</translation>
    </message>
    <message>
        <source>Purchase #{id}</source>
        <translation>订单 #{id}</translation>
    </message>
    <message>
        <source>Text read</source>
        <translation>已识别文字</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>正在识别…</translation>
    </message>
    <message>
        <source>Could not read</source>
        <translation>识别失败</translation>
    </message>
    <message>
        <source>Text recognition not installed</source>
        <translation>未安装文字识别</translation>
    </message>
    <message numerus="yes">
        <source>{kind}, %n page(s), {size}</source>
        <translation>
            <numerusform>{kind}，%n 页，{size}</numerusform>
        </translation>
    </message>
    <message>
        <source>{kind}, {size}</source>
        <translation>{kind}，{size}</translation>
    </message>
    <message>
        <source>{width} × {height} pixels, {size}</source>
        <translation>{width} × {height} 像素，{size}</translation>
    </message>
    <message>
        <source>The original image is missing or damaged.</source>
        <translation>原图丢失或已损坏。</translation>
    </message>
    <message>
        <source>Found:</source>
        <translation>匹配内容：</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>备注：</translation>
    </message>
</context>
<context>
    <name>CaptureTableModel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Purchase</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Text status</source>
        <translation>文字识别</translation>
    </message>
</context>
<context>
    <name>ControlWindow</name>
    <message>
        <source>Your desktop has no system tray, so Proofshot lives in this window. Press {hotkey} anywhere to capture, or use the buttons below.</source>
        <translation>你的桌面没有系统托盘，所以 Proofshot 显示在这个窗口里。在任何地方按 {hotkey} 即可截图，也可以使用下面的按钮。</translation>
    </message>
</context>
<context>
    <name>Controller</name>
    <message>
        <source>Recovered {n} capture(s)</source>
        <translation>已找回 {n} 张截图</translation>
    </message>
    <message>
        <source>Proofshot was interrupted while saving; the captures were kept in the Inbox.</source>
        <translation>Proofshot 上次保存时被中断，这些截图已保留在收件箱中。</translation>
    </message>
    <message>
        <source>Some originals are missing or changed</source>
        <translation>部分原图丢失或被改动</translation>
    </message>
    <message>
        <source>Run “main.py check” for details. </source>
        <translation>运行“main.py check”可查看详情。 </translation>
    </message>
    <message>
        <source>the desktop shortcut you bind to “main.py capture”</source>
        <translation>你在桌面设置里为“main.py capture”设置的快捷键</translation>
    </message>
    <message>
        <source>This desktop does not let apps set their own keyboard shortcut. Add one for Proofshot in the desktop&apos;s settings: Proofshot&apos;s Settings show how, step by step.</source>
        <translation>此桌面不允许应用自行设置键盘快捷键。请在桌面的设置中为 Proofshot 添加一个：Proofshot 的“设置”里有逐步说明。</translation>
    </message>
    <message>
        <source>The capture shortcut is not available</source>
        <translation>截图快捷键无法使用</translation>
    </message>
    <message>
        <source>The desktop did not allow Proofshot to take a screenshot. Allow screenshots for Proofshot when the desktop asks, or in its settings under Privacy or Apps, then try again.</source>
        <translation>桌面不允许 Proofshot 截屏。请在桌面询问时允许 Proofshot 截屏，或在桌面设置的“隐私”或“应用”中允许，然后重试。</translation>
    </message>
    <message>
        <source>The desktop did not answer the request for a screenshot in time. If it asked whether to allow screenshots, allow them, then capture again.</source>
        <translation>桌面没有及时回应截屏请求。如果它询问是否允许截屏，请允许，然后再截一次。</translation>
    </message>
    <message>
        <source>This desktop offers no way for apps to take screenshots. Install grim (on sway, Hyprland or river) or xdg-desktop-portal with your desktop&apos;s portal (GNOME, KDE), then try again.</source>
        <translation>此桌面没有提供让应用截屏的方式。请安装 grim（sway、Hyprland 或 river），或安装 xdg-desktop-portal 及你桌面对应的门户（GNOME、KDE），然后重试。</translation>
    </message>
    <message>
        <source>The screen could not be captured</source>
        <translation>无法截取屏幕</translation>
    </message>
    <message>
        <source>Long captures are not available on Wayland yet: the desktop decides where Proofshot&apos;s window goes, and it could cover the chat. Capture the chat screen by screen instead.</source>
        <translation>Wayland 上暂不支持长截图：窗口位置由桌面决定，Proofshot 的窗口可能会挡住聊天内容。请逐屏截取聊天记录。</translation>
    </message>
    <message>
        <source>A long capture is running already; finish or cancel it first.</source>
        <translation>已有一个长截图正在进行，请先完成或取消它。</translation>
    </message>
    <message>
        <source>A capture is being taken already; try again in a moment.</source>
        <translation>正在截屏，请稍后再试。</translation>
    </message>
    <message>
        <source>The region {region} is not on any screen.</source>
        <translation>区域 {region} 不在任何屏幕上。</translation>
    </message>
    <message>
        <source>The region is empty.</source>
        <translation>区域是空的。</translation>
    </message>
    <message>
        <source>There is no room beside the region for the long capture&apos;s window. Select a smaller part of the screen.</source>
        <translation>区域旁边没有位置放长截图窗口。请选择屏幕上小一些的部分。</translation>
    </message>
    <message>
        <source>Nothing to repeat yet</source>
        <translation>还没有可以重复的截图</translation>
    </message>
    <message>
        <source>Capture a region first.</source>
        <translation>请先截取一个区域。</translation>
    </message>
    <message>
        <source>No image on the clipboard</source>
        <translation>剪贴板里没有图片</translation>
    </message>
    <message>
        <source>Copy a screenshot first (for example with WeChat&apos;s Alt+A), then try again.</source>
        <translation>请先复制一张截图（例如用微信的 Alt+A 截图），然后再试一次。</translation>
    </message>
    <message>
        <source>The capture was not saved</source>
        <translation>截图没有保存</translation>
    </message>
    <message>
        <source>Inbox</source>
        <translation>收件箱</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Same as the previous capture — nothing new on screen</source>
        <translation>与上一张截图相同，屏幕上没有新内容</translation>
    </message>
    <message>
        <source>It was kept in {where} anyway, as a record of this moment. Undo removes it.</source>
        <translation>它仍已保存到“{where}”，作为这一刻的记录。点“撤销”可以移除它。</translation>
    </message>
    <message>
        <source>This capture is almost entirely one colour: the window may be protected against screenshots. It was kept anyway.</source>
        <translation>这张截图几乎是一片纯色，可能是该窗口禁止截图。截图仍已保存。</translation>
    </message>
    <message>
        <source>{details} · copied to the clipboard</source>
        <translation>{details} · 已复制到剪贴板</translation>
    </message>
    <message>
        <source>Saved to {where}</source>
        <translation>已保存到“{where}”</translation>
    </message>
    <message>
        <source>{w} × {h} px · SHA-256 {sha}…</source>
        <translation>{w} × {h} 像素 · SHA-256 {sha}…</translation>
    </message>
    <message>
        <source>Could not start a purchase</source>
        <translation>无法新建订单</translation>
    </message>
    <message>
        <source>Reading the text of your captures…</source>
        <translation>正在识别截图里的文字…</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Change purchase…</source>
        <translation>更改所属订单…</translation>
    </message>
    <message>
        <source>Add note…</source>
        <translation>添加备注…</translation>
    </message>
    <message>
        <source>Could not copy</source>
        <translation>无法复制</translation>
    </message>
    <message>
        <source>The image could not be read.</source>
        <translation>无法读取这张图片。</translation>
    </message>
    <message>
        <source>Copied to the clipboard</source>
        <translation>已复制到剪贴板</translation>
    </message>
    <message>
        <source>Paste it wherever the image is needed.</source>
        <translation>可以粘贴到任何需要这张图片的地方。</translation>
    </message>
    <message>
        <source>Could not undo</source>
        <translation>无法撤销</translation>
    </message>
    <message>
        <source>Moved to the Trash</source>
        <translation>已移到回收站</translation>
    </message>
    <message>
        <source>It stays there until you empty the Trash.</source>
        <translation>在清空回收站之前，它会一直保留在回收站里。</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Inbox (no purchase)</source>
        <translation>收件箱（不归入订单）</translation>
    </message>
    <message>
        <source>Could not move the capture</source>
        <translation>无法移动截图</translation>
    </message>
    <message>
        <source>Moved to {where}</source>
        <translation>已移到“{where}”</translation>
    </message>
    <message>
        <source>Add a note</source>
        <translation>添加备注</translation>
    </message>
    <message>
        <source>What does this capture show? (optional)</source>
        <translation>这张截图记录了什么？（可不填）</translation>
    </message>
    <message>
        <source>Could not choose that purchase</source>
        <translation>无法选择该订单</translation>
    </message>
    <message>
        <source>New captures go to {where}</source>
        <translation>新截图将保存到“{where}”</translation>
    </message>
    <message>
        <source>the Inbox</source>
        <translation>收件箱</translation>
    </message>
    <message>
        <source>Could not open the library</source>
        <translation>无法打开证据库</translation>
    </message>
    <message>
        <source>Text recognition is not installed</source>
        <translation>未安装文字识别</translation>
    </message>
    <message>
        <source>Your captures are kept and will be read once it is installed.</source>
        <translation>截图会照常保存，装好文字识别后会自动识别其中的文字。</translation>
    </message>
    <message>
        <source>Proofshot is running</source>
        <translation>Proofshot 正在运行</translation>
    </message>
    <message>
        <source>Press {hotkey} or click the tray icon to capture.</source>
        <translation>按 {hotkey} 或点击托盘图标即可截图。</translation>
    </message>
</context>
<context>
    <name>DesktopShortcutHelp</name>
    <message>
        <source>not installed</source>
        <extracomment>The desktops with instructions, in the order shown when the user&apos;s desktop is not one of them. XDG_CURRENT_DESKTOP entries (lower case) and the instructions that fit them.</extracomment>
        <translation>未安装</translation>
    </message>
    <message>
        <source>no Wayland display</source>
        <translation>没有 Wayland 显示</translation>
    </message>
    <message>
        <source>this desktop does not support it</source>
        <translation>此桌面不支持</translation>
    </message>
    <message>
        <source>the desktop has no screenshot portal</source>
        <translation>桌面没有截屏门户</translation>
    </message>
    <message>
        <source>the desktop refused</source>
        <translation>桌面拒绝了</translation>
    </message>
    <message>
        <source>the desktop did not answer in time</source>
        <translation>桌面没有及时回应</translation>
    </message>
    <message>
        <source>it failed</source>
        <translation>失败了</translation>
    </message>
    <message>
        <source>this is not a Wayland session</source>
        <translation>这不是 Wayland 会话</translation>
    </message>
    <message>
        <source>the screenshot portal</source>
        <translation>截屏门户</translation>
    </message>
    <message>
        <source>Screen capture: mss ({session})</source>
        <translation>截屏方式：mss（{session}）</translation>
    </message>
    <message>
        <source>Screen capture: grim (Wayland, wlroots desktop)</source>
        <translation>截屏方式：grim（Wayland，wlroots 桌面）</translation>
    </message>
    <message>
        <source>Screen capture: the desktop&apos;s screenshot portal</source>
        <translation>截屏方式：桌面的截屏门户</translation>
    </message>
    <message>
        <source>Screen capture: {backend}</source>
        <translation>截屏方式：{backend}</translation>
    </message>
    <message>
        <source>Screen capture: nothing has worked yet</source>
        <translation>截屏方式：还没有可用的方式</translation>
    </message>
    <message>
        <source>Screen capture: chosen at the first capture</source>
        <translation>截屏方式：第一次截屏时选定</translation>
    </message>
    <message>
        <source>{backend} did not work here: {reason}</source>
        <translation>{backend} 在这里不可用：{reason}</translation>
    </message>
    <message>
        <source>{line} ({why})</source>
        <translation>{line}（{why}）</translation>
    </message>
    <message>
        <source>Hotkey: global listener ({session})</source>
        <translation>快捷键：全局监听（{session}）</translation>
    </message>
    <message>
        <source>Hotkey: the desktop&apos;s global-shortcuts portal</source>
        <translation>快捷键：桌面的全局快捷键门户</translation>
    </message>
    <message>
        <source>Hotkey: {backend}</source>
        <translation>快捷键：{backend}</translation>
    </message>
    <message>
        <source>Hotkey: none — bind a desktop shortcut (below)</source>
        <translation>快捷键：无——请绑定桌面快捷键（见下方）</translation>
    </message>
    <message>
        <source>Hotkey: none ({problem})</source>
        <translation>快捷键：无（{problem}）</translation>
    </message>
    <message>
        <source>Hotkey: none</source>
        <translation>快捷键：无</translation>
    </message>
    <message>
        <source>This desktop does not let programs watch the keyboard, so Proofshot cannot set up its capture shortcut by itself. Add it once in your desktop&apos;s keyboard settings: a new shortcut that runs the command below. Pressing that shortcut then starts a capture.</source>
        <translation>此桌面不允许程序监听键盘，所以 Proofshot 无法自行设置截屏快捷键。请在桌面的键盘设置中添加一次：新建一个运行下面命令的快捷键。之后按这个快捷键就会开始截屏。</translation>
    </message>
    <message>
        <source>Copy the command</source>
        <translation>复制命令</translation>
    </message>
    <message>
        <source>GNOME</source>
        <translation>GNOME</translation>
    </message>
    <message>
        <source>KDE Plasma</source>
        <translation>KDE Plasma</translation>
    </message>
    <message>
        <source>sway and other wlroots desktops</source>
        <translation>sway 及其他 wlroots 桌面</translation>
    </message>
    <message>
        <source>On another desktop, look for “Keyboard shortcuts” or “Custom shortcuts” in its settings and add one that runs the command above.</source>
        <translation>在其他桌面上，请在设置中找到“键盘快捷键”或“自定义快捷键”，添加一个运行上面命令的快捷键。</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <source>Copy the line</source>
        <translation>复制这一行</translation>
    </message>
    <message>
        <source>Open {path}.</source>
        <translation>打开 {path}。</translation>
    </message>
    <message numerus="yes">
        <source>Settings → Keyboard → View and Customise Shortcuts → Custom Shortcuts</source>
        <comment>GNOME&apos;s menu path</comment>
        <translation>
            <numerusform>设置 → 键盘 → 查看及自定义快捷键 → 自定义快捷键</numerusform>
        </translation>
    </message>
    <message>
        <source>Click {add}.</source>
        <translation>点击 {add}。</translation>
    </message>
    <message>
        <source>Name: {name}. Command: paste the command above.</source>
        <translation>名称：{name}。命令：粘贴上面的命令。</translation>
    </message>
    <message>
        <source>Click {set} and press {keys}, then click {add}.</source>
        <translation>点击 {set} 并按下 {keys}，然后点击 {add}。</translation>
    </message>
    <message>
        <source>Set Shortcut…</source>
        <comment>GNOME&apos;s button</comment>
        <translation>设置快捷键…</translation>
    </message>
    <message>
        <source>Add</source>
        <comment>GNOME&apos;s button</comment>
        <translation>添加</translation>
    </message>
    <message>
        <source>System Settings → Keyboard → Shortcuts</source>
        <comment>KDE&apos;s menu path</comment>
        <translation>系统设置 → 键盘 → 快捷键</translation>
    </message>
    <message>
        <source>Click {add_new} → {command}.</source>
        <translation>点击 {add_new} → {command}。</translation>
    </message>
    <message>
        <source>Add New</source>
        <comment>KDE&apos;s button</comment>
        <translation>添加新项</translation>
    </message>
    <message>
        <source>Command or Script…</source>
        <comment>KDE&apos;s menu item</comment>
        <translation>命令或脚本…</translation>
    </message>
    <message>
        <source>Paste the command above, name it {name} and confirm.</source>
        <translation>粘贴上面的命令，命名为 {name} 并确认。</translation>
    </message>
    <message>
        <source>Click {add} beside the new entry, press {keys}, then click {apply}.</source>
        <translation>点击新条目旁的 {add}，按下 {keys}，然后点击 {apply}。</translation>
    </message>
    <message>
        <source>Add custom shortcut</source>
        <comment>KDE&apos;s button</comment>
        <translation>添加自定义快捷键</translation>
    </message>
    <message>
        <source>Apply</source>
        <comment>KDE&apos;s button</comment>
        <translation>应用</translation>
    </message>
    <message>
        <source>Add this line to {file}:</source>
        <translation>把这一行加到 {file}：</translation>
    </message>
    <message>
        <source>Then run {command} (or log out and in again). Pressing {keys} starts a capture.</source>
        <translation>然后运行 {command}（或注销后重新登录）。按 {keys} 就会开始截屏。</translation>
    </message>
</context>
<context>
    <name>DocumentView</name>
    <message>
        <source>Invoice number</source>
        <translation>发票号码</translation>
    </message>
    <message>
        <source>Invoice date</source>
        <translation>开票日期</translation>
    </message>
    <message>
        <source>Seller</source>
        <translation>销售方</translation>
    </message>
    <message>
        <source>Seller&apos;s tax ID</source>
        <translation>销售方纳税人识别号</translation>
    </message>
    <message>
        <source>Buyer</source>
        <translation>购买方</translation>
    </message>
    <message>
        <source>Total with tax</source>
        <translation>价税合计</translation>
    </message>
</context>
<context>
    <name>EmailView</name>
    <message>
        <source>From</source>
        <translation>发件人</translation>
    </message>
    <message>
        <source>To</source>
        <translation>收件人</translation>
    </message>
    <message>
        <source>Cc</source>
        <translation>抄送</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>This e-mail has no text.</source>
        <translation>这封邮件没有正文。</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>附件</translation>
    </message>
    <message>
        <source>{n} remote images were not loaded: Proofshot never fetches anything an e-mail points to.</source>
        <translation>有 {n} 个远程图片未加载：Proofshot 从不获取邮件指向的任何外部内容。</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>（无名称）</translation>
    </message>
    <message>
        <source>{name} ({size})</source>
        <translation>{name}（{size}）</translation>
    </message>
    <message>
        <source>Kept inside the e-mail: {reason}</source>
        <translation>保存在邮件内：{reason}</translation>
    </message>
    <message>
        <source>Kept inside the e-mail</source>
        <translation>保存在邮件内</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Show {name}, filed as its own capture</source>
        <translation>查看 {name}（已单独存档）</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export evidence</source>
        <translation>导出证据</translation>
    </message>
    <message>
        <source>Proofshot writes one folder with the original captures, their text, a report (HTML and PDF) and checksums, for a consumer association, a platform&apos;s dispute team or the police. Anyone can check that nothing in it was changed.</source>
        <translation>Proofshot 会生成一个文件夹，里面有截图原图、识别出的文字、一份报告（HTML 和 PDF）以及校验码，可以交给消费者协会、平台的纠纷处理人员或警方。任何人都能核实其中的内容没有被改动过。</translation>
    </message>
    <message>
        <source>Purchase: {title} (1 capture)</source>
        <translation>订单：{title}（1 张截图）</translation>
    </message>
    <message>
        <source>Purchase: {title} ({n} captures)</source>
        <translation>订单：{title}（{n} 张截图）</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英语</translation>
    </message>
    <message>
        <source>Include the PDF report (slower for many captures)</source>
        <translation>同时生成 PDF 报告（截图多时会慢一些）</translation>
    </message>
    <message>
        <source>Also make a .zip file of the folder</source>
        <translation>另外把文件夹打包成 .zip 文件</translation>
    </message>
    <message>
        <source>Save in:</source>
        <translation>保存到：</translation>
    </message>
    <message>
        <source>Report language:</source>
        <translation>报告语言：</translation>
    </message>
    <message>
        <source>Zip file:</source>
        <translation>压缩包：</translation>
    </message>
    <message>
        <source>Copy path</source>
        <translation>复制路径</translation>
    </message>
    <message>
        <source>Copy the folder&apos;s full path, to paste it into an email or a form</source>
        <translation>复制文件夹的完整路径，方便粘贴到邮件或表格里</translation>
    </message>
    <message>
        <source>Saved in:</source>
        <translation>保存位置：</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Done: 1 capture was exported and checked.</source>
        <translation>完成：已导出并检查 1 张截图。</translation>
    </message>
    <message>
        <source>Done: {n} captures were exported and checked.</source>
        <translation>完成：已导出并检查 {n} 张截图。</translation>
    </message>
    <message>
        <source>Every file matches its checksum and the custody log is intact.</source>
        <translation>每个文件都与校验码一致，保管记录完整无缺。</translation>
    </message>
    <message>
        <source>Trusted time: {outcome}</source>
        <translation>可信时间：{outcome}</translation>
    </message>
    <message>
        <source>Path copied</source>
        <translation>路径已复制</translation>
    </message>
    <message>
        <source>Show folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Save the evidence folder in</source>
        <translation>选择证据文件夹的保存位置</translation>
    </message>
    <message>
        <source>Choose a folder to save the evidence in.</source>
        <translation>请选择保存证据的文件夹。</translation>
    </message>
    <message>
        <source>Exporting and checking the result… this can take a while for many captures.</source>
        <translation>正在导出并检查结果…截图多时可能需要一段时间。</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>The export was not made: {error}</source>
        <translation>没有导出：{error}</translation>
    </message>
    <message>
        <source>The export failed because of an internal error: {error!r}</source>
        <translation>程序内部出错，导出失败：{error!r}</translation>
    </message>
</context>
<context>
    <name>LibraryWindow</name>
    <message>
        <source>Proofshot library</source>
        <extracomment>How often the window looks for changes made elsewhere (the tray app&apos;s confirmation, the command line, another window). A look costs a read of SQLite&apos;s shared memory. New or changed captures up to this many are fetched by id at once; more reload the list. Events after which new rows may simply go on top of an unfiltered list. Events that change the purchase list but no capture row (unless a search, which also looks at purchases and sellers, is shown).</extracomment>
        <translation>Proofshot 证据库</translation>
    </message>
    <message>
        <source>New purchase…</source>
        <translation>新建订单…</translation>
    </message>
    <message>
        <source>Search text, notes, sellers, order numbers, phones…</source>
        <translation>搜索文字、备注、商家、订单号、电话…</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>全部时间</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <source>Last 365 days</source>
        <translation>最近 365 天</translation>
    </message>
    <message>
        <source>Thumbnails</source>
        <translation>缩略图</translation>
    </message>
    <message>
        <source>List</source>
        <translation>列表</translation>
    </message>
    <message>
        <source>Select a capture to see it here.</source>
        <translation>选择一张截图，即可在这里查看。</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>Import files…</source>
        <translation>导入文件…</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <source>No captures here yet. Press {shortcut} anywhere to capture the screen, or drop pictures, invoices or e-mails here.</source>
        <translation>这里还没有截图。在任何地方按 {shortcut} 截取屏幕，或把图片、发票、邮件拖到这里。</translation>
    </message>
    <message>
        <source>No captures here yet. Press the capture shortcut, or drop pictures, invoices or e-mails here.</source>
        <translation>这里还没有截图。按截图快捷键，或把图片、发票、邮件拖到这里。</translation>
    </message>
    <message>
        <source>Import screenshots and documents</source>
        <translation>导入截图和文档</translation>
    </message>
    <message>
        <source>Images and documents (*.png *.jpg *.jpeg *.webp *.bmp *.pdf *.ofd *.xml *.eml)</source>
        <translation>图片和文档 (*.png *.jpg *.jpeg *.webp *.bmp *.pdf *.ofd *.xml *.eml)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>There is no image or file on the clipboard.</source>
        <translation>剪贴板上没有图片或文件。</translation>
    </message>
    <message>
        <source>Move to purchase…</source>
        <translation>移到订单…</translation>
    </message>
    <message>
        <source>Edit note</source>
        <translation>编辑备注</translation>
    </message>
    <message>
        <source>Copy image</source>
        <translation>复制图片</translation>
    </message>
    <message>
        <source>Open original</source>
        <translation>打开原图</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Move to Trash</source>
        <translation>移到回收站</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Empty Trash…</source>
        <translation>清空回收站…</translation>
    </message>
    <message>
        <source>Read text again</source>
        <translation>重新识别文字</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Export evidence…</source>
        <translation>导出证据…</translation>
    </message>
    <message>
        <source>No captures match “{query}”.</source>
        <translation>没有与“{query}”匹配的截图。</translation>
    </message>
    <message>
        <source>The Trash is empty.</source>
        <translation>回收站是空的。</translation>
    </message>
    <message>
        <source> (showing the best {n})</source>
        <translation>（只显示最相关的 {n} 张）</translation>
    </message>
    <message>
        <source>{n} captures match</source>
        <translation>找到 {n} 张匹配的截图</translation>
    </message>
    <message>
        <source>{n} captures</source>
        <translation>{n} 张截图</translation>
    </message>
    <message>
        <source>Could not load the captures: {error}</source>
        <translation>无法加载截图：{error}</translation>
    </message>
    <message>
        <source>This capture&apos;s original could not be read: {error}</source>
        <translation>无法读取这张截图的原图：{error}</translation>
    </message>
    <message>
        <source>Proofshot</source>
        <translation>Proofshot</translation>
    </message>
    <message>
        <source>Purchase saved</source>
        <translation>订单已保存</translation>
    </message>
    <message>
        <source>Edit purchase and seller…</source>
        <translation>编辑订单和商家…</translation>
    </message>
    <message>
        <source>File new captures here (active purchase)</source>
        <translation>新截图存到这里（设为当前订单）</translation>
    </message>
    <message>
        <source>File new captures in the Inbox</source>
        <translation>新截图存到收件箱</translation>
    </message>
    <message>
        <source>Export finished</source>
        <translation>导出完成</translation>
    </message>
    <message>
        <source>Importing {n} file(s)…</source>
        <translation>正在导入 {n} 个文件…</translation>
    </message>
    <message>
        <source>Imported {n} file(s)</source>
        <translation>已导入 {n} 个文件</translation>
    </message>
    <message>
        <source>Some files were not imported</source>
        <translation>有些文件没有导入</translation>
    </message>
    <message>
        <source>These files were not imported:</source>
        <translation>以下文件没有导入：</translation>
    </message>
</context>
<context>
    <name>LongCaptureSession</name>
    <message>
        <source>The screen could not be read: {error}</source>
        <translation>无法读取屏幕：{error}</translation>
    </message>
    <message>
        <source>Keep scrolling; press Done when you reach the end.</source>
        <translation>继续滚动；到底后按“完成”。</translation>
    </message>
    <message>
        <source>Scrolled too fast — scroll back a little</source>
        <translation>滚动太快了——请往回滚一点</translation>
    </message>
    <message>
        <source>Something changed in the chat — this part was not added; scroll back a little and go on</source>
        <translation>聊天内容发生了变化——这部分没有加入；请往回滚一点再继续</translation>
    </message>
    <message>
        <source>Too many identical lines to tell apart — scroll a little less</source>
        <translation>相同的内容太多，无法分辨——请每次少滚一点</translation>
    </message>
    <message>
        <source>Nothing was captured.</source>
        <translation>没有截取到任何内容。</translation>
    </message>
</context>
<context>
    <name>LongCaptureWindow</name>
    <message>
        <source>Cancel</source>
        <extracomment>How often the region is grabbed while the user scrolls (a grab still under way is not doubled). The preview&apos;s size (logical pixels). Room kept between the region and the window. Grabs the region now (on the worker thread), as an RGB image of the region&apos;s size.</extracomment>
        <translation>取消</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Scroll the chat slowly; press Done when you reach the end.</source>
        <translation>慢慢滚动聊天记录；到底后按“完成”。</translation>
    </message>
    <message>
        <source>{n} frame(s)</source>
        <translation>{n} 帧</translation>
    </message>
    <message>
        <source>Putting the long image together…</source>
        <translation>正在拼接长图…</translation>
    </message>
</context>
<context>
    <name>PreviewPane</name>
    <message>
        <source>Text</source>
        <translation>文字</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Open the e-mail</source>
        <translation>打开这封邮件</translation>
    </message>
    <message>
        <source>Previous page (Page Up)</source>
        <translation>上一页（Page Up）</translation>
    </message>
    <message>
        <source>Next page (Page Down)</source>
        <translation>下一页（Page Down）</translation>
    </message>
    <message>
        <source>Zoom out (Ctrl+-)</source>
        <translation>缩小（Ctrl+-）</translation>
    </message>
    <message>
        <source>Zoom in (Ctrl++)</source>
        <translation>放大（Ctrl++）</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应宽度</translation>
    </message>
    <message>
        <source>Fit the picture to the width of the pane (Ctrl+0)</source>
        <translation>按预览区的宽度显示图片（Ctrl+0）</translation>
    </message>
    <message>
        <source>Show the picture at its real size</source>
        <translation>按实际大小显示图片</translation>
    </message>
    <message>
        <source>Read text again</source>
        <translation>重新识别文字</translation>
    </message>
    <message>
        <source>Run text recognition on this picture again</source>
        <translation>对这张图片重新进行文字识别</translation>
    </message>
    <message>
        <source>No text was read from this picture.</source>
        <translation>这张图片里没有识别出文字。</translation>
    </message>
    <message>
        <source>Copy text</source>
        <translation>复制文字</translation>
    </message>
    <message>
        <source>Add a note: what this screenshot shows, who said it, why it matters…</source>
        <translation>添加备注：这张截图记录了什么、是谁说的、为什么重要…</translation>
    </message>
    <message>
        <source>This note was changed elsewhere while you were typing. When you save, your text is added after the newer note: nothing is lost.</source>
        <translation>你输入时，这条备注在别处被修改了。保存时，你写的内容会添加在新备注的后面，不会丢失任何内容。</translation>
    </message>
    <message>
        <source>Ctrl+Enter saves. Switching to another capture saves too.</source>
        <translation>按 Ctrl+Enter 保存，切换到其他截图时也会自动保存。</translation>
    </message>
    <message>
        <source>Save note</source>
        <translation>保存备注</translation>
    </message>
    <message>
        <source>The picture&apos;s fingerprint: any change to the file, however small, changes it.</source>
        <translation>图片的“指纹”：文件哪怕只改动一点点，指纹也会改变。</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Captured</source>
        <translation>截图时间</translation>
    </message>
    <message>
        <source>In UTC</source>
        <translation>UTC 时间</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>窗口</translation>
    </message>
    <message>
        <source>Application</source>
        <translation>应用程序</translation>
    </message>
    <message>
        <source>Screen</source>
        <translation>屏幕</translation>
    </message>
    <message>
        <source>Captured with</source>
        <translation>截取方式</translation>
    </message>
    <message>
        <source>Filed under</source>
        <translation>存放位置</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>Invoice</source>
        <translation>发票</translation>
    </message>
    <message>
        <source>Trusted time</source>
        <translation>可信时间</translation>
    </message>
    <message>
        <source>This picture could not be shown.</source>
        <translation>无法显示这张图片。</translation>
    </message>
    <message>
        <source>This document could not be shown.</source>
        <translation>无法显示这个文档。</translation>
    </message>
    <message>
        <source>Page {page} could not be shown: {error}</source>
        <translation>无法显示第 {page} 页：{error}</translation>
    </message>
    <message>
        <source>Page {page} of {count}</source>
        <translation>第 {page} 页，共 {count} 页</translation>
    </message>
    <message>
        <source>{page} (loading…)</source>
        <translation>{page}（加载中…）</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>（无主题）</translation>
    </message>
    <message>
        <source>From the e-mail “{subject}”</source>
        <translation>来自邮件“{subject}”</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Select a capture to see it here</source>
        <translation>选择一张截图，即可在这里查看</translation>
    </message>
    <message>
        <source>Inbox</source>
        <translation>收件箱</translation>
    </message>
    <message>
        <source>{source} · filed under {filed}</source>
        <translation>{source} · 存放在“{filed}”</translation>
    </message>
    <message>
        <source>Screen region</source>
        <translation>屏幕区域</translation>
    </message>
    <message>
        <source>Full screen</source>
        <translation>全屏</translation>
    </message>
    <message>
        <source>Imported file ({name})</source>
        <translation>导入的文件（{name}）</translation>
    </message>
    <message>
        <source>Imported file</source>
        <translation>导入的文件</translation>
    </message>
    <message>
        <source>Clipboard</source>
        <translation>剪贴板</translation>
    </message>
    <message>
        <source>Attachment of an e-mail ({name})</source>
        <translation>邮件附件（{name}）</translation>
    </message>
    <message>
        <source>Attachment of an e-mail</source>
        <translation>邮件附件</translation>
    </message>
    <message>
        <source>Recovered after an interruption</source>
        <translation>中断后找回</translation>
    </message>
    <message>
        <source>{kind}, {n} page(s)</source>
        <translation>{kind}，{n} 页</translation>
    </message>
    <message>
        <source>{kind} — cannot be read</source>
        <translation>{kind}——无法读取</translation>
    </message>
    <message>
        <source>not recorded</source>
        <translation>未记录</translation>
    </message>
    <message>
        <source>Frames</source>
        <translation>帧</translation>
    </message>
    <message>
        <source>Long capture</source>
        <translation>长截图</translation>
    </message>
    <message>
        <source>{n} frames, each kept as an original; the image is stitched from them</source>
        <translation>共 {n} 帧，每帧都保存为原始文件；此图由它们拼接而成</translation>
    </message>
    <message>
        <source>{n}. {sha}…</source>
        <translation>{n}. {sha}…</translation>
    </message>
    <message>
        <source>{app} (window class {window_class})</source>
        <translation>{app}（窗口类 {window_class}）</translation>
    </message>
    <message>
        <source>{width} × {height} at {x}, {y}</source>
        <translation>{width} × {height}，位于 {x}, {y}</translation>
    </message>
    <message>
        <source>{size} ({bytes} bytes)</source>
        <translation>{size}（{bytes} 字节）</translation>
    </message>
    <message>
        <source>{width} × {height} px, {size} ({bytes} bytes)</source>
        <translation>{width} × {height} 像素，{size}（{bytes} 字节）</translation>
    </message>
    <message>
        <source>In the Trash: restore it to keep it.</source>
        <translation>在回收站中：如需保留，请恢复。</translation>
    </message>
    <message>
        <source>Almost entirely one colour — the window may block screenshots.</source>
        <translation>几乎是一片纯色，可能是该窗口禁止截图。</translation>
    </message>
    <message>
        <source>Recovered after an interruption — check that the picture is complete.</source>
        <translation>中断后找回，请检查图片是否完整。</translation>
    </message>
    <message>
        <source>Reading the text…</source>
        <translation>正在识别文字…</translation>
    </message>
    <message>
        <source>Text taken from the document; its scanned pages were read by this computer and can contain mistakes.</source>
        <translation>文字取自文档本身；其中扫描的页面由本机识别，可能有错。</translation>
    </message>
    <message>
        <source>Text taken from the document itself.</source>
        <translation>文字取自文档本身。</translation>
    </message>
    <message>
        <source>No text can be read from this document.</source>
        <translation>无法从这个文档读取文字。</translation>
    </message>
    <message>
        <source>Text read by this computer ({languages}). It can contain mistakes: the picture is what counts.</source>
        <translation>这些文字由电脑自动识别（{languages}），可能有错误，一切以图片为准。</translation>
    </message>
    <message>
        <source>Text read by this computer. It can contain mistakes: the picture is what counts.</source>
        <translation>这些文字由电脑自动识别，可能有错误，一切以图片为准。</translation>
    </message>
    <message>
        <source>Could not read the text: {error}</source>
        <translation>文字识别失败：{error}</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>未知错误</translation>
    </message>
    <message>
        <source>Text recognition is not installed</source>
        <translation>未安装文字识别</translation>
    </message>
    <message>
        <source>Chinese and English</source>
        <translation>中文和英文</translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英文</translation>
    </message>
    <message>
        <source>Text recognition: {engine}; languages: {languages}</source>
        <translation>文字识别：{engine}；语言：{languages}</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Matches in the text: {count}; on pages {pages}</source>
        <translation>文字中的匹配：{count} 处；在第 {pages} 页</translation>
    </message>
    <message>
        <source>Matches in the text: {count}</source>
        <translation>文字中有 {count} 处匹配</translation>
    </message>
    <message>
        <source>Not in the text: the search matched the note or purchase</source>
        <translation>文字中没有匹配：搜到的是备注或订单信息</translation>
    </message>
</context>
<context>
    <name>PurchaseEditor</name>
    <message>
        <source>New purchase</source>
        <extracomment>A seller&apos;s fields an edit changed: {field: [before, after]}, as Library.restore_merchant takes them.</extracomment>
        <translation>新建订单</translation>
    </message>
    <message>
        <source>Edit purchase: {title}</source>
        <translation>编辑订单：{title}</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>What you bought</source>
        <translation>订单信息</translation>
    </message>
    <message>
        <source>e.g. wireless earbuds (required)</source>
        <translation>例如：无线耳机（必填）</translation>
    </message>
    <message>
        <source>Item:</source>
        <translation>商品：</translation>
    </message>
    <message>
        <source>from the order page or chat</source>
        <translation>见订单页面或聊天记录</translation>
    </message>
    <message>
        <source>Order number:</source>
        <translation>订单号：</translation>
    </message>
    <message>
        <source>e.g. 128.50</source>
        <translation>例如：128.50</translation>
    </message>
    <message>
        <source>The currency you paid in; type another code if it is not listed.</source>
        <translation>付款用的货币；列表里没有的话，可以直接输入其他货币代码。</translation>
    </message>
    <message>
        <source>Amount paid:</source>
        <translation>付款金额：</translation>
    </message>
    <message>
        <source>e.g. 2026-10-27</source>
        <translation>例如：2026-10-27</translation>
    </message>
    <message>
        <source>The day you ordered, like 2026-10-27 or 2026-10-27 14:30. Leave empty if you don&apos;t know.</source>
        <translation>下单的日期，例如 2026-10-27 或 2026-10-27 14:30。不知道可以不填。</translation>
    </message>
    <message>
        <source>Calendar…</source>
        <translation>日历…</translation>
    </message>
    <message>
        <source>Pick the day on a calendar</source>
        <translation>在日历上选择日期</translation>
    </message>
    <message>
        <source>Order date:</source>
        <translation>下单日期：</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <source>Anything worth remembering: promises made, delivery, refunds…</source>
        <translation>值得记下的事情：商家的承诺、发货、退款…</translation>
    </message>
    <message>
        <source>Notes:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <source>order date</source>
        <translation>下单日期</translation>
    </message>
    <message>
        <source>company name</source>
        <translation>公司名称</translation>
    </message>
    <message>
        <source>credit code</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <source>WeChat ID / shop ID</source>
        <translation>微信号或店铺 ID</translation>
    </message>
    <message>
        <source>phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>shop link</source>
        <translation>店铺链接</translation>
    </message>
    <message>
        <source>Say what you bought, e.g. “wireless earbuds”.</source>
        <translation>请写明你买了什么，例如“无线耳机”。</translation>
    </message>
    <message>
        <source>“{value}” is not an amount: write it like 128 or 128.50.</source>
        <translation>“{value}”不是金额，请写成 128 或 128.50 这样的格式。</translation>
    </message>
    <message>
        <source>“{value}” is not a currency: use three letters such as CNY, USD or HKD.</source>
        <translation>“{value}”不是货币代码，请用三个字母，例如 CNY、USD 或 HKD。</translation>
    </message>
    <message>
        <source>“{value}” is not a date: write it like 2026-10-27 or 2026-10-27 14:30.</source>
        <translation>“{value}”不是日期，请写成 2026-10-27 或 2026-10-27 14:30 这样的格式。</translation>
    </message>
    <message>
        <source>Use “{new}” from the invoice instead?</source>
        <translation>改用发票上的“{new}”吗？</translation>
    </message>
    <message>
        <source>The new details also show on one other purchase.</source>
        <translation>新的信息也会显示在另外 1 个订单中。</translation>
    </message>
    <message>
        <source>The new details also show on {count} other purchases.</source>
        <translation>新的信息也会显示在另外 {count} 个订单中。</translation>
    </message>
    <message>
        <source>Seller “{name}” updated</source>
        <translation>商家“{name}”已更新</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Not undone</source>
        <translation>没有撤销</translation>
    </message>
    <message>
        <source>That seller no longer exists.</source>
        <translation>这个商家已经不存在了。</translation>
    </message>
    <message>
        <source>The seller was changed again since, so nothing was undone.</source>
        <translation>这个商家之后又被修改过，所以没有撤销任何内容。</translation>
    </message>
    <message>
        <source>Seller details put back</source>
        <translation>商家信息已恢复</translation>
    </message>
    <message>
        <source>“{name}” has its earlier details again, on every purchase.</source>
        <translation>“{name}”在所有订单中都已恢复为之前的信息。</translation>
    </message>
    <message>
        <source>amount paid</source>
        <translation>付款金额</translation>
    </message>
    <message>
        <source>order number</source>
        <translation>订单号</translation>
    </message>
    <message>
        <source>Replace what is there?</source>
        <translation>替换现有内容？</translation>
    </message>
    <message>
        <source>The {field} already says “{current}”.</source>
        <translation>“{field}”一栏已经填了“{current}”。</translation>
    </message>
    <message>
        <source>Use “{new}” from the screenshot instead?</source>
        <translation>改用截图中的“{new}”吗？</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>替换</translation>
    </message>
    <message>
        <source>Add as a second number</source>
        <translation>添加为第二个号码</translation>
    </message>
    <message>
        <source>Not saved: {reason}</source>
        <translation>没有保存：{reason}</translation>
    </message>
</context>
<context>
    <name>PurchaseTreeModel</name>
    <message>
        <source>{label}  ({count})</source>
        <translation>{label}（{count}）</translation>
    </message>
    <message>
        <source>All captures</source>
        <translation>全部截图</translation>
    </message>
    <message>
        <source>Inbox</source>
        <translation>收件箱</translation>
    </message>
    <message>
        <source>Trash</source>
        <translation>回收站</translation>
    </message>
    <message>
        <source>● {title}  ({count})</source>
        <translation>● {title}（{count}）</translation>
    </message>
    <message>
        <source>{title}  ({count})</source>
        <translation>{title}（{count}）</translation>
    </message>
    <message>
        <source>Active purchase: new captures are filed here.</source>
        <translation>当前订单：新截图会存到这里。</translation>
    </message>
    <message>
        <source>Seller: {name}</source>
        <translation>商家：{name}</translation>
    </message>
    <message>
        <source>Order number: {number}</source>
        <translation>订单号：{number}</translation>
    </message>
    <message>
        <source>Captures: {count}</source>
        <translation>截图：{count} 张</translation>
    </message>
</context>
<context>
    <name>SellerForm</name>
    <message>
        <source>Seller</source>
        <translation>商家</translation>
    </message>
    <message>
        <source>Choose a seller you saved before, or New seller… to add one.</source>
        <translation>选择以前保存过的商家，或选“新建商家…”添加一个。</translation>
    </message>
    <message>
        <source>Manage sellers…</source>
        <translation>管理商家…</translation>
    </message>
    <message>
        <source>Delete a seller no purchase uses, or merge a seller saved twice into the other.</source>
        <translation>删除没有订单用到的商家，或把重复保存的商家合并成一个。</translation>
    </message>
    <message>
        <source>Seller:</source>
        <translation>商家：</translation>
    </message>
    <message>
        <source>shop or nickname, e.g. 小李数码</source>
        <translation>店名或昵称，例如：小李数码</translation>
    </message>
    <message>
        <source>e.g. wxid_… or the shop&apos;s ID</source>
        <translation>例如：wxid_… 或店铺 ID</translation>
    </message>
    <message>
        <source>e.g. 138 0013 8000</source>
        <translation>例如：138 0013 8000</translation>
    </message>
    <message>
        <source>the person behind the shop</source>
        <translation>店铺经营者本人的姓名</translation>
    </message>
    <message>
        <source>registered company name</source>
        <translation>营业执照上的公司名称</translation>
    </message>
    <message>
        <source>18 characters, on the business licence</source>
        <translation>18 位，印在营业执照上</translation>
    </message>
    <message>
        <source>https://…</source>
        <translation>https://…</translation>
    </message>
    <message>
        <source>shop or return address</source>
        <translation>店铺地址或退货地址</translation>
    </message>
    <message>
        <source>Not set</source>
        <translation>未选择</translation>
    </message>
    <message>
        <source>Platform:</source>
        <translation>平台：</translation>
    </message>
    <message>
        <source>The unified social credit code (统一社会信用代码) printed on a Chinese business licence.</source>
        <translation>印在营业执照上的统一社会信用代码。</translation>
    </message>
    <message>
        <source>New seller…</source>
        <translation>新建商家…</translation>
    </message>
    <message>
        <source>Before paying, ask for the seller&apos;s real name and phone: consumer associations need them to follow up.</source>
        <translation>付款前先问清商家的真实姓名和电话：消费者协会跟进投诉时需要。</translation>
    </message>
    <message>
        <source>WeChat</source>
        <translation>微信</translation>
    </message>
    <message>
        <source>QQ</source>
        <translation>QQ</translation>
    </message>
    <message>
        <source>Taobao</source>
        <translation>淘宝</translation>
    </message>
    <message>
        <source>JD</source>
        <translation>京东</translation>
    </message>
    <message>
        <source>Pinduoduo</source>
        <translation>拼多多</translation>
    </message>
    <message>
        <source>Xianyu</source>
        <translation>闲鱼</translation>
    </message>
    <message>
        <source>Douyin</source>
        <translation>抖音</translation>
    </message>
    <message>
        <source>Web shop</source>
        <translation>网店</translation>
    </message>
    <message>
        <source>Other</source>
        <comment>platform</comment>
        <translation>其他</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>WeChat ID / shop ID:</source>
        <translation>微信号 / 店铺 ID：</translation>
    </message>
    <message>
        <source>Phone:</source>
        <translation>电话：</translation>
    </message>
    <message>
        <source>Real name:</source>
        <translation>真实姓名：</translation>
    </message>
    <message>
        <source>Company:</source>
        <translation>公司：</translation>
    </message>
    <message>
        <source>Credit code:</source>
        <translation>信用代码：</translation>
    </message>
    <message>
        <source>Shop link:</source>
        <translation>店铺链接：</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>地址：</translation>
    </message>
    <message>
        <source>WeChat ID / shop ID</source>
        <translation>微信号或店铺 ID</translation>
    </message>
    <message>
        <source>phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>real name</source>
        <translation>真实姓名</translation>
    </message>
    <message>
        <source>company</source>
        <translation>公司</translation>
    </message>
    <message>
        <source>credit code</source>
        <translation>信用代码</translation>
    </message>
    <message>
        <source>shop link</source>
        <translation>店铺链接</translation>
    </message>
    <message>
        <source>address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Give the seller a name, e.g. their shop name or nickname.</source>
        <translation>请给商家填一个名称，例如店名或昵称。</translation>
    </message>
    <message>
        <source>“{value}” is not a phone number: write a mobile number like 138 0013 8000, a landline with its area code like 010 6552 9988, or a number from abroad starting with +.</source>
        <translation>“{value}”不是电话号码：手机号请写成 138 0013 8000 这样，固定电话要带区号，例如 010 6552 9988，境外号码以 + 开头。</translation>
    </message>
    <message>
        <source>“{value}” is not a WeChat ID: a WeChat ID has 6 to 20 letters, digits, _ or -, and starts with a letter. It is shown as 微信号 in the seller&apos;s profile.</source>
        <translation>“{value}”不是微信号：微信号由 6 到 20 个字母、数字、_ 或 - 组成，并以字母开头。在商家的个人资料里显示为“微信号”。</translation>
    </message>
    <message>
        <source>A credit code has 18 characters; “{value}” has {count}.</source>
        <translation>信用代码应为 18 位，“{value}”是 {count} 位。</translation>
    </message>
    <message>
        <source>“{value}” is not a credit code: it has only digits and capital letters (never I, O, S, V or Z).</source>
        <translation>“{value}”不是信用代码：信用代码只含数字和大写字母（不会有 I、O、S、V 或 Z）。</translation>
    </message>
    <message>
        <source>“{value}” is not a valid credit code: its last character does not match the others. Check it against the business licence.</source>
        <translation>“{value}”不是有效的信用代码：最后一位和前面的字符对不上。请对照营业执照再核对一下。</translation>
    </message>
    <message>
        <source>Seller details: {recorded} of {total} recorded</source>
        <translation>商家信息：已记录 {recorded} 项，共 {total} 项</translation>
    </message>
    <message>
        <source>Still missing: {fields}</source>
        <translation>还缺：{fields}</translation>
    </message>
    <message>
        <source>, </source>
        <comment>list separator</comment>
        <translation>、</translation>
    </message>
    <message>
        <source>Seller details: all {total} recorded</source>
        <translation>商家信息：{total} 项已全部记录</translation>
    </message>
    <message>
        <source>A new seller called “{new}” will be saved with these details; “{old}” stays as it is.</source>
        <translation>将用这些信息另存一个名为“{new}”的新商家，“{old}”保持不变。</translation>
    </message>
    <message>
        <source>Changes apply to every purchase with this seller.</source>
        <translation>修改会应用到这个商家的所有订单。</translation>
    </message>
    <message>
        <source>You already saved a seller called “{name}”: saving adds these details to it.</source>
        <translation>你已经保存过名为“{name}”的商家，保存后这些信息会补充到该商家。</translation>
    </message>
    <message>
        <source>Fill in what you know; you can choose this seller again for other purchases.</source>
        <translation>知道多少填多少；以后其他订单也可以再选这个商家。</translation>
    </message>
</context>
<context>
    <name>SellerManager</name>
    <message>
        <source>Manage sellers</source>
        <translation>管理商家</translation>
    </message>
    <message>
        <source>A seller saved twice, or under a misspelt name, can be merged into the right one: its purchases move there. A seller that no purchase uses can be deleted.</source>
        <translation>重复保存或名称写错的商家，可以合并到正确的商家中，它的订单也会一起转过去。没有订单用到的商家可以删除。</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Merge into:</source>
        <translation>合并到：</translation>
    </message>
    <message>
        <source>Merge…</source>
        <translation>合并…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>{name} · on no purchase</source>
        <translation>{name} · 没有用于任何订单</translation>
    </message>
    <message>
        <source>{name} · on 1 purchase</source>
        <translation>{name} · 用于 1 个订单</translation>
    </message>
    <message>
        <source>{name} · on {count} purchases</source>
        <translation>{name} · 用于 {count} 个订单</translation>
    </message>
    <message>
        <source>A seller on a purchase cannot be deleted; merge it into another seller instead.</source>
        <translation>订单用到的商家不能删除，但可以把它合并到另一个商家。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Delete seller?</source>
        <translation>删除商家？</translation>
    </message>
    <message>
        <source>Delete the seller “{name}”?</source>
        <translation>要删除商家“{name}”吗？</translation>
    </message>
    <message>
        <source>No purchase uses it. The custody log keeps a record of its details.</source>
        <translation>没有订单用到它。保管记录中会留下它的信息。</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Not deleted: {reason}</source>
        <translation>没有删除：{reason}</translation>
    </message>
    <message>
        <source>“{name}” was deleted.</source>
        <translation>已删除“{name}”。</translation>
    </message>
    <message>
        <source>“{name}” is on no purchase.</source>
        <translation>“{name}”没有用于任何订单。</translation>
    </message>
    <message>
        <source>Its purchase will show the seller “{other}”.</source>
        <translation>用到它的那个订单将改为显示商家“{other}”。</translation>
    </message>
    <message>
        <source>Its {count} purchases will show the seller “{other}”.</source>
        <translation>用到它的 {count} 个订单将改为显示商家“{other}”。</translation>
    </message>
    <message>
        <source>“{name}” will be removed; details only it has are copied to “{other}”. The custody log keeps a record.</source>
        <translation>“{name}”将被移除，只有它才有的信息会复制到“{other}”。保管记录中会记下这次合并。</translation>
    </message>
    <message>
        <source>Merge sellers?</source>
        <translation>合并商家？</translation>
    </message>
    <message>
        <source>Merge “{name}” into “{other}”?</source>
        <translation>要把“{name}”合并到“{other}”吗？</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>合并</translation>
    </message>
    <message>
        <source>Not merged: {reason}</source>
        <translation>没有合并：{reason}</translation>
    </message>
    <message>
        <source>“{name}” was merged into “{other}”.</source>
        <translation>已把“{name}”合并到“{other}”。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Proofshot settings</source>
        <translation>Proofshot 设置</translation>
    </message>
    <message>
        <source>Capture</source>
        <translation>截图</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>证据库</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Capture shortcut</source>
        <translation>截图快捷键</translation>
    </message>
    <message>
        <source>Click here, then press the keys you want to use.</source>
        <translation>点这里，然后按下你想用的按键。</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>恢复默认</translation>
    </message>
    <message>
        <source>Use {shortcut} again</source>
        <translation>改回 {shortcut}</translation>
    </message>
    <message>
        <source>Chinese (Simplified)</source>
        <translation>简体中文</translation>
    </message>
    <message>
        <source>Chinese (Traditional)</source>
        <translation>繁体中文</translation>
    </message>
    <message>
        <source>Chinese (Simplified, vertical)</source>
        <translation>简体中文（竖排）</translation>
    </message>
    <message>
        <source>Chinese (Traditional, vertical)</source>
        <translation>繁体中文（竖排）</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英语</translation>
    </message>
    <message>
        <source>Japanese</source>
        <translation>日语</translation>
    </message>
    <message>
        <source>Japanese (vertical)</source>
        <translation>日语（竖排）</translation>
    </message>
    <message>
        <source>Korean</source>
        <translation>韩语</translation>
    </message>
    <message>
        <source>Korean (vertical)</source>
        <translation>韩语（竖排）</translation>
    </message>
    <message>
        <source>French</source>
        <translation>法语</translation>
    </message>
    <message>
        <source>German</source>
        <translation>德语</translation>
    </message>
    <message>
        <source>Spanish</source>
        <translation>西班牙语</translation>
    </message>
    <message>
        <source>Italian</source>
        <translation>意大利语</translation>
    </message>
    <message>
        <source>Portuguese</source>
        <translation>葡萄牙语</translation>
    </message>
    <message>
        <source>Russian</source>
        <translation>俄语</translation>
    </message>
    <message>
        <source>Vietnamese</source>
        <translation>越南语</translation>
    </message>
    <message>
        <source>Thai</source>
        <translation>泰语</translation>
    </message>
    <message>
        <source>Malay</source>
        <translation>马来语</translation>
    </message>
    <message>
        <source>Indonesian</source>
        <translation>印尼语</translation>
    </message>
    <message>
        <source>Arabic</source>
        <translation>阿拉伯语</translation>
    </message>
    <message>
        <source>Hindi</source>
        <translation>印地语</translation>
    </message>
    <message>
        <source>Dutch</source>
        <translation>荷兰语</translation>
    </message>
    <message>
        <source>Math equations</source>
        <translation>数学公式</translation>
    </message>
    <message>
        <source>Text recognition engine</source>
        <translation>文字识别程序</translation>
    </message>
    <message>
        <source>Engine:</source>
        <translation>识别程序：</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Tesseract</source>
        <translation>Tesseract</translation>
    </message>
    <message>
        <source>PP-OCR (best for Chinese)</source>
        <translation>PP-OCR（识别中文效果最好）</translation>
    </message>
    <message>
        <source>Both (slower)</source>
        <translation>两个都用（较慢）</translation>
    </message>
    <message>
        <source>Automatic uses PP-OCR when it is installed and Chinese is among the languages, otherwise Tesseract. PP-OCR runs in a separate process that stops after a few idle minutes.</source>
        <translation>选择“自动”时，如果装了 PP-OCR 并且识别语言包含中文，就用 PP-OCR，否则用 Tesseract。PP-OCR 在后台单独运行，闲置几分钟后会自动退出。</translation>
    </message>
    <message>
        <source>PP-OCR is not installed. To install it, run:</source>
        <translation>还没有安装 PP-OCR。安装方法是运行：</translation>
    </message>
    <message>
        <source>Text recognition languages</source>
        <translation>文字识别语言</translation>
    </message>
    <message>
        <source>Automatic (Chinese and English)</source>
        <translation>自动（中文和英文）</translation>
    </message>
    <message>
        <source>Only these languages:</source>
        <translation>只识别以下语言：</translation>
    </message>
    <message>
        <source>Text recognition (Tesseract) is not installed, so screenshots are kept but their text cannot be searched. To install it, run:</source>
        <translation>还没有安装文字识别（Tesseract）：截图会照常保存，但无法搜索其中的文字。安装方法是运行：</translation>
    </message>
    <message>
        <source>Then restart Proofshot.</source>
        <translation>然后重新启动 Proofshot。</translation>
    </message>
    <message>
        <source>Not installed: {languages}. To add, run:</source>
        <translation>未安装：{languages}。添加方法是运行：</translation>
    </message>
    <message>
        <source>{language} (not installed)</source>
        <translation>{language}（未安装）</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the command</source>
        <translation>复制这条命令</translation>
    </message>
    <message>
        <source>Library location</source>
        <translation>证据库位置</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Use default</source>
        <translation>使用默认位置</translation>
    </message>
    <message>
        <source>Where screenshots and their records are kept. Takes effect after Proofshot restarts.</source>
        <translation>截图及其记录的保存位置。重新启动 Proofshot 后生效。</translation>
    </message>
    <message>
        <source>In use now: {path}</source>
        <translation>当前使用：{path}</translation>
    </message>
    <message>
        <source>About you</source>
        <translation>你的信息</translation>
    </message>
    <message>
        <source>Order pages show your own phone and address beside the seller&apos;s. What you enter here is never suggested as a seller&apos;s details. It is kept in the library.</source>
        <translation>订单页面上，你自己的电话和地址会和商家的信息显示在一起。你在这里填写的内容永远不会被当作商家信息推荐。这些信息保存在证据库中。</translation>
    </message>
    <message>
        <source>e.g. 138 0013 8000 / 010 6552 9988</source>
        <translation>例如：138 0013 8000 / 010 6552 9988</translation>
    </message>
    <message>
        <source>as on your orders, e.g. 张伟 / Zhang Wei</source>
        <translation>和订单上写的一样，例如：张伟 / Zhang Wei</translation>
    </message>
    <message>
        <source>one address per line, as on your orders</source>
        <translation>每行一个地址，和订单上写的一样</translation>
    </message>
    <message>
        <source>Your phones:</source>
        <translation>你的电话：</translation>
    </message>
    <message>
        <source>Your names:</source>
        <translation>你的姓名：</translation>
    </message>
    <message>
        <source>Your addresses:</source>
        <translation>你的地址：</translation>
    </message>
    <message>
        <source>Your own details are kept in the library, so they can be changed only while Proofshot has its library open.</source>
        <translation>你的信息保存在证据库中，所以只有在 Proofshot 打开了证据库时才能修改。</translation>
    </message>
    <message>
        <source>After a capture</source>
        <translation>截图之后</translation>
    </message>
    <message>
        <source>Show a confirmation with Undo</source>
        <translation>显示提示（可撤销）</translation>
    </message>
    <message>
        <source>Ask for a note</source>
        <translation>让我填写备注</translation>
    </message>
    <message>
        <source>Save silently</source>
        <translation>直接保存，不提示</translation>
    </message>
    <message>
        <source>A new language takes effect after Proofshot restarts; you can restart it after saving.</source>
        <translation>更改语言后，重新启动 Proofshot 才会生效；保存后可以选择立即重新启动。</translation>
    </message>
    <message>
        <source>Proofshot is using another library now. It switches to the location above when it next starts.</source>
        <translation>Proofshot 现在使用的是另一个证据库，下次启动时会换到上面的位置。</translation>
    </message>
    <message>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <source>How capture works here:</source>
        <translation>这里的截屏方式：</translation>
    </message>
    <message>
        <source>Also copy each capture to the clipboard</source>
        <translation>同时把每张截图复制到剪贴板</translation>
    </message>
    <message>
        <source>Ready to paste into a platform&apos;s dispute form or a complaint page.</source>
        <translation>可直接粘贴到平台的纠纷申诉表或投诉页面。</translation>
    </message>
    <message>
        <source>Start Proofshot when I log in</source>
        <translation>开机登录后自动启动 Proofshot</translation>
    </message>
    <message>
        <source>Starting at login is not available on this system.</source>
        <translation>这个系统不支持登录后自动启动。</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>界面语言：</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Choose at least one language, or Automatic.</source>
        <translation>请至少选择一种语言，或选择“自动”。</translation>
    </message>
    <message>
        <source>“{value}” is not a phone number: write a mobile number like 138 0013 8000 or a landline with its area code; separate several with /.</source>
        <translation>“{value}”不是电话号码：手机号请写成 138 0013 8000 这样，固定电话要带区号；多个号码之间用 / 分隔。</translation>
    </message>
    <message>
        <source>a shortcut is one key with modifiers, such as Ctrl+Alt+P</source>
        <translation>快捷键应由 Ctrl、Alt 等键加上一个按键组成，例如 Ctrl+Alt+P</translation>
    </message>
    <message>
        <source>the key &apos;{key}&apos; cannot be used for a global shortcut</source>
        <translation>“{key}”键不能用作截图快捷键</translation>
    </message>
    <message>
        <source>add Ctrl, Alt or Shift, or the shortcut would fire while you type</source>
        <translation>请加上 Ctrl、Alt 或 Shift，否则打字时会误触发截图</translation>
    </message>
    <message>
        <source>Shift with a letter types a capital; add Ctrl or Alt</source>
        <translation>Shift 加字母会输入大写字母，请加上 Ctrl 或 Alt</translation>
    </message>
    <message>
        <source>{shortcut} is already used for {purpose}</source>
        <translation>{shortcut} 已用于{purpose}</translation>
    </message>
    <message>
        <source>copy</source>
        <comment>what a taken shortcut does</comment>
        <translation>复制</translation>
    </message>
    <message>
        <source>paste</source>
        <comment>what a taken shortcut does</comment>
        <translation>粘贴</translation>
    </message>
    <message>
        <source>cut</source>
        <comment>what a taken shortcut does</comment>
        <translation>剪切</translation>
    </message>
    <message>
        <source>undo</source>
        <comment>what a taken shortcut does</comment>
        <translation>撤销</translation>
    </message>
    <message>
        <source>select all</source>
        <comment>what a taken shortcut does</comment>
        <translation>全选</translation>
    </message>
    <message>
        <source>save</source>
        <comment>what a taken shortcut does</comment>
        <translation>保存</translation>
    </message>
    <message>
        <source>find</source>
        <comment>what a taken shortcut does</comment>
        <translation>查找</translation>
    </message>
    <message>
        <source>close tab</source>
        <comment>what a taken shortcut does</comment>
        <translation>关闭标签页</translation>
    </message>
    <message>
        <source>quit</source>
        <comment>what a taken shortcut does</comment>
        <translation>退出程序</translation>
    </message>
    <message>
        <source>switch windows</source>
        <comment>what a taken shortcut does</comment>
        <translation>切换窗口</translation>
    </message>
    <message>
        <source>close window</source>
        <comment>what a taken shortcut does</comment>
        <translation>关闭窗口</translation>
    </message>
    <message>
        <source>the system menu</source>
        <comment>what a taken shortcut does</comment>
        <translation>打开系统菜单</translation>
    </message>
    <message>
        <source>open a terminal</source>
        <comment>what a taken shortcut does</comment>
        <translation>打开终端</translation>
    </message>
    <message>
        <source>lock the screen</source>
        <comment>what a taken shortcut does</comment>
        <translation>锁定屏幕</translation>
    </message>
    <message>
        <source>WeChat&apos;s own screenshot</source>
        <comment>what a taken shortcut does</comment>
        <translation>微信自带的截图</translation>
    </message>
    <message>
        <source>QQ&apos;s own screenshot</source>
        <comment>what a taken shortcut does</comment>
        <translation>QQ自带的截图</translation>
    </message>
    <message>
        <source>QQ&apos;s message window</source>
        <comment>what a taken shortcut does</comment>
        <translation>打开QQ消息窗口</translation>
    </message>
    <message>
        <source>Click the box above and press a combination such as Ctrl+Alt+P.</source>
        <translation>点击上面的框，然后按下组合键，例如 Ctrl+Alt+P。</translation>
    </message>
    <message>
        <source>This shortcut can&apos;t be used: {reason}.</source>
        <translation>不能使用这个快捷键：{reason}。</translation>
    </message>
    <message>
        <source>On this desktop Proofshot cannot set up {shortcut} by itself: add it as a desktop shortcut, as shown below.</source>
        <translation>在此桌面上 Proofshot 无法自行设置 {shortcut}：请按下方说明把它添加为桌面快捷键。</translation>
    </message>
    <message>
        <source>Press {shortcut} anywhere to capture part of the screen.</source>
        <translation>在任何地方按 {shortcut} 即可截取屏幕的一部分。</translation>
    </message>
    <message>
        <source>Choose the library folder</source>
        <translation>选择证据库文件夹</translation>
    </message>
    <message>
        <source>Settings not saved</source>
        <translation>设置没有保存</translation>
    </message>
    <message>
        <source>Proofshot could not save its settings: {error}</source>
        <translation>Proofshot 无法保存设置：{error}</translation>
    </message>
    <message>
        <source>Proofshot could not keep your details in the library: {error}</source>
        <translation>Proofshot 无法把你的信息保存到证据库：{error}</translation>
    </message>
    <message>
        <source>Restart Proofshot?</source>
        <translation>重新启动 Proofshot？</translation>
    </message>
    <message>
        <source>The new language is used after Proofshot restarts.</source>
        <translation>新的界面语言会在 Proofshot 重新启动后生效。</translation>
    </message>
    <message>
        <source>Restart now? Nothing you have captured is lost.</source>
        <translation>现在重新启动吗？你的截图都不会丢失。</translation>
    </message>
    <message>
        <source>Restart now</source>
        <translation>立即重新启动</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>以后再说</translation>
    </message>
    <message>
        <source>Start at login</source>
        <translation>登录后自动启动</translation>
    </message>
</context>
<context>
    <name>SuggestionsPanel</name>
    <message>
        <source>Found in this purchase&apos;s screenshots</source>
        <translation>在这个订单的截图中找到</translation>
    </message>
    <message>
        <source>Check each one against the screenshot, then press Use to copy it into the form.</source>
        <translation>请逐条对照截图核实，再点“使用”填入表格。</translation>
    </message>
    <message>
        <source>Amount paid</source>
        <translation>实付金额</translation>
    </message>
    <message>
        <source>Order total</source>
        <translation>订单总额</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>WeChat ID</source>
        <translation>微信号</translation>
    </message>
    <message>
        <source>Order number</source>
        <translation>订单号</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>链接</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <source>Seller&apos;s company (invoice)</source>
        <translation>销售方公司（发票）</translation>
    </message>
    <message>
        <source>Seller&apos;s credit code (invoice)</source>
        <translation>销售方统一社会信用代码（发票）</translation>
    </message>
    <message>
        <source>Invoice date</source>
        <translation>开票日期</translation>
    </message>
    <message>
        <source>Invoice number</source>
        <translation>发票号码</translation>
    </message>
    <message>
        <source>{kind}: {value}</source>
        <translation>{kind}：{value}</translation>
    </message>
    <message>
        <source>In one of this purchase&apos;s screenshots</source>
        <translation>在这个订单的某张截图中</translation>
    </message>
    <message>
        <source>In the document {name} ({time})</source>
        <translation>在文档 {name} 中（{time}）</translation>
    </message>
    <message>
        <source>In the document of {time}</source>
        <translation>在 {time} 的文档中</translation>
    </message>
    <message>
        <source>In the screenshot of {time}</source>
        <translation>在 {time} 的截图中</translation>
    </message>
    <message>
        <source>{value}
As read in the screenshot: {raw}</source>
        <translation>{value}
截图中识别到的原文：{raw}</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>使用</translation>
    </message>
    <message>
        <source>Copy it into the form (nothing is saved until you press Save).</source>
        <translation>填入表格（按“保存”之前不会保存任何内容）。</translation>
    </message>
</context>
<context>
    <name>ThumbnailCache</name>
    <message>
        <source>Cannot be read</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>（无主题）</translation>
    </message>
    <message>
        <source>No. {number}</source>
        <translation>号码 {number}</translation>
    </message>
</context>
<context>
    <name>TrayMenu</name>
    <message>
        <source>Capture region</source>
        <translation>截取区域</translation>
    </message>
    <message>
        <source>Capture full screen</source>
        <translation>截取全屏</translation>
    </message>
    <message>
        <source>Capture again (same region)</source>
        <translation>再截一次（同一区域）</translation>
    </message>
    <message>
        <source>Long capture</source>
        <translation>长截图</translation>
    </message>
    <message>
        <source>Save clipboard image</source>
        <translation>保存剪贴板中的图片</translation>
    </message>
    <message>
        <source>Active purchase</source>
        <translation>当前订单</translation>
    </message>
    <message>
        <source>Open library</source>
        <translation>打开证据库</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Quit Proofshot</source>
        <translation>退出 Proofshot</translation>
    </message>
    <message>
        <source>Inbox (no purchase)</source>
        <translation>收件箱（不归入订单）</translation>
    </message>
    <message>
        <source>Proofshot: press {shortcut} to capture</source>
        <translation>Proofshot：按 {shortcut} 即可截图</translation>
    </message>
    <message>
        <source>New purchase…</source>
        <translation>新建订单…</translation>
    </message>
</context>
<context>
    <name>TrustedTime</name>
    <message>
        <source>Time-stamped by {tsa} at {time} (UTC)</source>
        <extracomment>The longest the worker sleeps before looking for due requests again. (capture id, or 0 for an export; stamped?; the outcome in words)</extracomment>
        <translation>已由 {tsa} 于 {time}（UTC）加盖可信时间戳</translation>
    </message>
    <message>
        <source>Not time-stamped yet: {error}. Tried {n} time(s); it is tried again later.</source>
        <translation>尚未加盖时间戳：{error}。已尝试 {n} 次；稍后会再试。</translation>
    </message>
    <message>
        <source>Waiting to be time-stamped by {tsa}</source>
        <translation>等待 {tsa} 加盖时间戳</translation>
    </message>
</context>
<context>
    <name>TrustedTimeGroup</name>
    <message>
        <source>Trusted time (RFC 3161 time-stamps)</source>
        <extracomment>Public TSAs offered in the list (docs/trusted-time.md says more about each).</extracomment>
        <translation>可信时间（RFC 3161 时间戳）</translation>
    </message>
    <message>
        <source>Ask a time-stamp authority to vouch for the time</source>
        <translation>请时间戳服务机构为时间作证</translation>
    </message>
    <message>
        <source>Choose a time-stamp authority or type its address</source>
        <translation>选择时间戳服务机构，或输入其地址</translation>
    </message>
    <message>
        <source>Stamp each capture when it is taken</source>
        <translation>每次截图时加盖时间戳</translation>
    </message>
    <message>
        <source>Stamp each export</source>
        <translation>每次导出时加盖时间戳</translation>
    </message>
    <message>
        <source>Only the picture&apos;s fingerprint (its SHA-256 hash) is sent to the time-stamp authority, never the picture, its text or anything about you. With this off, Proofshot connects to nothing. Without a network, requests wait and are sent later.</source>
        <translation>只有图片的指纹（SHA-256 哈希值）会发送给时间戳服务机构，绝不发送图片、其中的文字或任何关于你的信息。关闭此项时，Proofshot 不连接任何地方。没有网络时，请求会等待并稍后发送。</translation>
    </message>
    <message>
        <source>The time-stamp authority&apos;s address must start with http:// or https://.</source>
        <translation>时间戳服务机构的地址必须以 http:// 或 https:// 开头。</translation>
    </message>
</context>
<context>
    <name>Vocabulary</name>
    <message>
        <source>Open</source>
        <comment>purchase status</comment>
        <translation>进行中</translation>
    </message>
    <message>
        <source>Disputed</source>
        <comment>purchase status</comment>
        <translation>有争议</translation>
    </message>
    <message>
        <source>Resolved</source>
        <comment>purchase status</comment>
        <translation>已解决</translation>
    </message>
    <message>
        <source>Closed</source>
        <comment>purchase status</comment>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>PDF invoice</source>
        <translation>PDF 发票</translation>
    </message>
    <message>
        <source>PDF document</source>
        <translation>PDF 文档</translation>
    </message>
    <message>
        <source>OFD e-invoice</source>
        <translation>OFD 电子发票</translation>
    </message>
    <message>
        <source>XML e-invoice</source>
        <translation>XML 电子发票</translation>
    </message>
    <message>
        <source>XML document</source>
        <translation>XML 文档</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>电子邮件</translation>
    </message>
</context>
<context>
    <name>WelcomeWindow</name>
    <message>
        <source>Welcome to Proofshot</source>
        <translation>欢迎使用 Proofshot</translation>
    </message>
    <message>
        <source>To capture, press your capture shortcut anywhere, then drag over the part of the screen you want to keep. It is saved the moment you let go of the mouse.</source>
        <translation>要截屏，在任何地方按下你的截屏快捷键，然后拖选想保留的屏幕区域。松开鼠标的那一刻就会保存。</translation>
    </message>
    <message>
        <source>To capture, press {shortcut} anywhere, then drag over the part of the screen you want to keep. It is saved the moment you let go of the mouse.</source>
        <translation>要截图，请在任何地方按 {shortcut}，然后拖动鼠标框选你想保留的屏幕区域。松开鼠标的那一刻，截图就保存好了。</translation>
    </message>
    <message>
        <source>Each capture goes to the active purchase, or to the Inbox when no purchase is active.</source>
        <translation>每张截图都会存到当前订单；没有当前订单时，会存到收件箱。</translation>
    </message>
    <message>
        <source>To start a purchase, choose {menu} in the menu of the Proofshot icon in the tray (click the icon with the right mouse button).</source>
        <translation>要新建订单，请在托盘中 Proofshot 图标的菜单里选择 {menu}（用鼠标右键点击该图标即可打开菜单）。</translation>
    </message>
    <message>
        <source>To start a purchase, choose {menu} in the Proofshot window.</source>
        <translation>要新建订单，在 Proofshot 窗口中选择 {menu} 即可。</translation>
    </message>
    <message>
        <source>Your screenshots and their records are kept in {folder}</source>
        <translation>你的截图及其记录保存在 {folder}</translation>
    </message>
    <message>
        <source>Don&apos;t show this again</source>
        <translation>不再显示</translation>
    </message>
    <message>
        <source>Open the library folder</source>
        <translation>打开证据库文件夹</translation>
    </message>
    <message>
        <source>Got it</source>
        <translation>知道了</translation>
    </message>
</context>
<context>
    <name>_Overlay</name>
    <message>
        <source>Click a window or drag to capture · Enter: whole screen · Esc: cancel</source>
        <translation>点击一个窗口或拖选区域来截取 · Enter：整个屏幕 · Esc：取消</translation>
    </message>
    <message>
        <source>Long capture: drag over the chat, then scroll it · Esc: cancel</source>
        <translation>长截图：拖选聊天区域，然后滚动它 · Esc：取消</translation>
    </message>
    <message>
        <source>Enter: capture this region again · S: long capture · Drag: a new region · Esc: cancel</source>
        <translation>Enter：再次截取这个区域 · S：长截图 · 拖动：选择新区域 · Esc：取消</translation>
    </message>
    <message>
        <source>{width} × {height}</source>
        <translation>{width} × {height}</translation>
    </message>
    <message>
        <source>{title} · {width} × {height}</source>
        <translation>{title} · {width} × {height}</translation>
    </message>
    <message>
        <source>Drag to capture · Enter: whole screen · Esc: cancel</source>
        <translation>拖动鼠标选择区域 · Enter：截取全屏 · Esc：取消</translation>
    </message>
    <message>
        <source>{x}, {y}</source>
        <translation>{x}, {y}</translation>
    </message>
</context>
</TS>
