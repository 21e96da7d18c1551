<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en_US">
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
        <source>The capture shortcut is not available</source>
        <translation>截图快捷键无法使用</translation>
    </message>
    <message>
        <source>The screen could not be captured</source>
        <translation>无法截取屏幕</translation>
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
        <source>This capture is almost entirely one colour: the window may be protected against screenshots. It was kept anyway.</source>
        <translation>这张截图几乎是一片纯色，可能是该窗口禁止截图。截图仍已保存。</translation>
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
        <source>New purchase</source>
        <translation>新建订单</translation>
    </message>
    <message>
        <source>What did you buy? (you can add the seller&apos;s details later)</source>
        <translation>你买了什么？（商家信息可以以后再补充）</translation>
    </message>
    <message>
        <source>Reading the text of capture {id}…</source>
        <translation>正在识别截图 #{id} 中的文字…</translation>
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
    <name>SettingsDialog</name>
    <message>
        <source>Proofshot settings</source>
        <extracomment>What &quot;Automatic&quot; means (AppSettings.ocr_languages == &quot;&quot;). Shown first in the language list, in this order; the rest follow by name. Language data that is not a language to read.</extracomment>
        <translation>Proofshot 设置</translation>
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
        <source>General</source>
        <translation>常规</translation>
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
        <source>A new language takes effect after Proofshot restarts.</source>
        <translation>更改语言后，重新启动 Proofshot 才会生效。</translation>
    </message>
    <message>
        <source>Choose at least one language, or Automatic.</source>
        <translation>请至少选择一种语言，或选择“自动”。</translation>
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
        <source>Start at login</source>
        <translation>登录后自动启动</translation>
    </message>
</context>
<context>
    <name>TrayMenu</name>
    <message>
        <source>Capture region</source>
        <extracomment>(purchase id, title, is active) for the &quot;Active purchase&quot; menu.</extracomment>
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
        <source>Save clipboard image</source>
        <translation>保存剪贴板中的图片</translation>
    </message>
    <message>
        <source>Active purchase</source>
        <translation>当前订单</translation>
    </message>
    <message>
        <source>Open library folder</source>
        <translation>打开证据库文件夹</translation>
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
        <source>New purchase…</source>
        <translation>新建订单…</translation>
    </message>
</context>
<context>
    <name>_Overlay</name>
    <message>
        <source>{width} × {height}</source>
        <extracomment>Fixed, untranslated: end-to-end tests and window rules find the overlay by this title. A release whose selection is narrower or lower than this (logical px) is a click. The magnifier shows this many physical pixels square around the cursor ... ... each drawn this many logical pixels wide. The screen in logical pixels, relative to its own top-left corner.</extracomment>
        <translation>{width} × {height}</translation>
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
