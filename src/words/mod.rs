//! Every string shown to a person, in Chinese and English, in one table: the console's
//! panes, the script commands' output and `gongdan config`.
//!
//! Who may use it: `ui`, `script`, `config` and the start-up code (`console`, `tui`). The
//! state and the engine (`app`, `worker`, `bulk`, `api`) should not: they carry data (ids,
//! counts, `ApiError`s, names) and the view words it. The status line's notices are typed
//! (`app::notice::Note`) and worded by `ui::notice`; the bulk engine's previews, history
//! rows and reports are data worded in [`bulk`].
//!
//! Placeholders `{0}`, `{1}` are filled by [`fill`] in one pass, so an argument (a subject,
//! a name, a server's message) is put in as sent and never read for placeholders. `{key:..}`
//! references name the live key map's keys (`KeyMap::expand`, in `ui::key_words`), in the
//! table's own text before the arguments go in ([`fill_keyed`]).

use crate::api::{
    ApiError, NetworkError, Priority, QueryError, TicketSource, TicketStatus, TicketType,
};
use crate::lang::Lang;

pub mod bulk;
mod keys;
pub(crate) mod script;
mod store;

pub(crate) use self::store::{last_sync, set_aside, store_error};

macro_rules! messages {
    ($($name:ident => $zh:literal, $en:literal;)*) => {
        /// One UI string.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg { $($name,)* }

        impl Msg {
            /// Every message, so a test can check that none is empty in either language.
            pub const ALL: &'static [Msg] = &[$(Msg::$name,)*];

            pub fn text(self, lang: Lang) -> &'static str {
                match lang {
                    Lang::Zh => match self { $(Msg::$name => $zh,)* },
                    Lang::En => match self { $(Msg::$name => $en,)* },
                }
            }
        }
    };
}

messages! {
    // Views (tabs).
    ViewNew => "新建", "New";
    ViewOpen => "已开启", "Open";
    ViewPending => "待回应", "Pending";
    ViewAll => "全部", "All";
    ViewSearch => "搜索：{0}", "Search: {0}";
    // List columns.
    ColId => "编号", "ID";
    ColStatus => "状态", "Status";
    ColPriority => "优先级", "Priority";
    ColSubject => "标题", "Subject";
    ColContact => "联系人", "Contact";
    ColAssignee => "受理人", "Assignee";
    ColUpdated => "更新", "Updated";
    ColTags => "标签", "Tags";
    ColType => "类型", "Type";
    ColGroup => "客服组", "Group";
    ColCreated => "创建", "Created";
    ColAge => "已创建", "Age";
    ColInStatus => "本状态", "In status";
    ColSla => "SLA", "SLA";
    // A duration in a cell (age, time in status, SLA).
    DurMinutes => "{0}分", "{0}m";
    DurHours => "{0}时", "{0}h";
    DurDays => "{0}天", "{0}d";
    // The SLA cell: the time left on the clock closest to breach, or how far past it.
    SlaLeft => "剩{0}", "{0} left";
    SlaOver => "超{0}", "{0} over";
    SlaMet => "达标", "met";
    // After a tab's count: how many of its tickets are past an SLA target.
    TabBreached => "，超时{0}", ", {0} breached";
    // The local sort "closest to breach" in the status line.
    SortBreach => "临近超时", "closest to breach";
    // Relative times.
    JustNow => "刚刚", "just now";
    MinutesAgo => "{0}分钟前", "{0}m ago";
    HoursAgo => "{0}小时前", "{0}h ago";
    DaysAgo => "{0}天前", "{0}d ago";
    // List states.
    Loading => "加载中…", "Loading…";
    LoadingMore => "正在加载更多工单…", "Loading more tickets…";
    KeyTextNewLine => "换行", "New line";
    KeyTextLineEnds => "到行首 / 行尾", "To the line's start / end";
    KeyTextKillLine => "删除到行首 / 行尾", "Delete to the line's start / end";
    KeyTextKillWord => "向前删除一个词", "Delete the word before the caret";
    KeyTextWords => "按词左移 / 右移", "A word left / right";
    KeyTextUndo => "撤销 / 重做", "Undo / redo";
    StatusUnknownTicket => "没有工单 #{0} 的内容（找不到或尚未读到）：状态未改", "Ticket #{0} is not known here (not found, or not read yet): its status is unchanged";
    EmptyView => "这个视图里没有工单", "No tickets in this view";
    LoadedOfTotal => "{0}/{1}", "{0}/{1}";
    LoadedNoTotal => "{0}", "{0}";
    // Status bar and notices.
    ListForbidden => "此账号无权列出工单：视图改用搜索构建", "This account may not list tickets: views are built from searches instead";
    // The local store: stored rows, the server out of reach.
    AsOfSyncing => "截至 {0}，同步中…", "as of {0}, syncing…";
    AsOf => "截至 {0}", "as of {0}";
    StoreAsOf => "本地缓存，截至 {0}", "store, as of {0}";
    FromServer => "服务器", "server";
    OfflineSince => "离线（自 {0} 起），正在重试", "offline since {0}, retrying";
    SyncPages => "本地缓存同步 {0}/{1} 页", "store sync {0}/{1} pages";
    OfflineReading => "离线：读取本地缓存，不连接服务器（上次同步：{0}）", "offline: read from the local cache, not the server (last sync: {0})";
    OfflineNoStore => "离线读取需要本地缓存，但 {0} 还没有：先运行 gongdan cache sync", "reading offline needs the local cache, and {0} has none yet: run gongdan cache sync first";
    OfflineUnknown => "{0} 个本地缓存的工单只有搜索结果的字段，无法在本地判断，已略过", "{0} stored tickets hold only a search result's fields and cannot be answered locally: left out";
    RefusedOffline => "离线：{0}未执行，也不会稍后自动发送", "offline: {0} refused, nothing is queued to send later";
    OfflineStatusChange => "状态更改", "the status change";
    OfflineBulkRun => "批量更改", "the bulk change";
    OfflineReply => "回复（已保存为草稿）", "the reply (kept as a draft)";
    OfflineNewTicket => "新建工单", "the new ticket";
    ShowForbidden => "此账号无权查看工单详情：只显示列表/搜索给出的字段", "This account may not open tickets: showing what the list or search gave";
    StatusChanged => "#{0} 状态已改为 {1}", "#{0} set to {1}";
    StatusChangeUnknown => "#{0} 是否已改为 {1} 未知（{2}）；正在重新读取该工单", "#{0}: not known whether it was set to {1} ({2}); reading the ticket again";
    StatusChangedMeanwhile => "#{0} 已被他人更改（{1} → {2}），未修改；{key:status_menu.pick} 仍设为 {3}，{key:status_menu.cancel} 不变", "#{0} changed on the server since it was shown (status {1} → {2}): nothing set; {key:status_menu.pick} sets {3} anyway, {key:status_menu.cancel} leaves it";
    StatusChangeFailed => "#{0} 未能改为 {1}：{2}；已恢复为 {3}", "#{0} could not be set to {1}: {2}; back to {3}";
    LoadFailed => "加载「{0}」失败：{1}", "Loading \"{0}\" failed: {1}";
    SearchFailed => "搜索失败：{0}", "Search failed: {0}";
    ShowFailed => "打开 #{0} 失败：{1}", "Opening #{0} failed: {1}";
    CopiedItem => "已复制{0}：{1}", "Copied {0}: {1}";
    CopyTooLong => "{0}太长（{1} KB），终端的剪贴板最多约 74 KB：未复制", "The {0} is too long to copy through the terminal ({1} KB; terminals take about 74 KB): nothing copied";
    CopyEmpty => "{0}为空，未复制", "The {0} is empty: nothing copied";
    CopyUnknown => "{0}未知（服务器没有给出），未复制", "The {0} is not known (the server did not send it): nothing copied";
    // Watched views (`watch` in a view's config).
    TabNewTickets => " +{0}新", " +{0} new";
    NotifyNewTickets => "{0}：{1} 张新工单 · #{2} {3}", "{0}: {1} new · #{2} {3}";
    // A ticket's files (the detail's list, `a`/`d`/`L`, the downloads).
    FilesTitle => "附件", "Attachments";
    FilesHint => "{key:detail.next_file} 选择 · {key:detail.download} 下载 · {key:detail.copy_link} 复制链接", "{key:detail.next_file} select · {key:detail.download} download · {key:detail.copy_link} copy link";
    FileUnnamed => "（未命名）", "(no name)";
    FileSizeUnknown => "大小未知", "size unknown";
    FileFromField => "字段：{0}", "field: {0}";
    FileNoLinkMark => "无链接", "no link";
    FilesNone => "这个工单没有附件（或尚未读到）", "This ticket has no attachments (or they are not read yet)";
    FileNoLink => "{0} 没有下载链接（只有上传凭证），无法下载或复制", "{0} has no link (only an upload token): nothing to download or copy";
    FileNoFolder => "找不到下载文件夹：在配置文件的 [ui] 里设置 download_dir", "No download folder found: set download_dir under [ui] in the config";
    FileDownloading => "正在下载 {0}…", "Downloading {0}…";
    FileDownloaded => "已下载 {0} 到 {1}", "Downloaded {0} to {1}";
    FileDownloadFailed => "{0} 没有下载：{1}", "{0} was not downloaded: {1}";
    FileWriteFailed => "无法写入 {0}（{1}）", "cannot write in {0} ({1})";
    FileRefused => "文件服务器拒绝了这个链接（HTTP {0}），链接可能已过期", "the file host refused the link (HTTP {0}); it may have expired";
    FileBadLink => "链接不是 http(s) 地址", "the link is not an http(s) address";
    FileLinkCopied => "已复制 {0} 的链接", "Copied the link of {0}";
    FileProgress => "↓ {0} {1}", "↓ {0} {1}";
    KeyNextFile => "选择下一个附件", "Select the next attachment";
    KeyDownload => "下载所选附件", "Download the selected attachment";
    KeyCopyLink => "复制所选附件的链接", "Copy the selected attachment's link";
    CopyNoWebUrl => "未设置网页链接：在配置文件里设置 web_url，例如 \"https://example.bangwo8.com/ticket/{id}\"", "No web link: set web_url in the config, e.g. \"https://example.bangwo8.com/ticket/{id}\"";
    Reloading => "正在刷新…", "Reloading…";
    NoTicketSelected => "没有选中的工单", "No ticket selected";
    SortBy => "排序：{0}", "Sort: {0}";
    SortCreated => "创建时间", "created";
    SortUpdated => "更新时间", "updated";
    SortStatus => "状态", "status";
    SortDefault => "默认", "default";
    SortAsc => "升序", "ascending";
    SortDesc => "降序", "descending";
    SearchNoStatusSort => "搜索不能按状态排序，改按更新时间", "Search cannot sort by status; sorting by updated time";
    FilterSet => "筛选：{0}", "Filter: {0}";
    FilterCleared => "已清除日期筛选", "Date filter cleared";
    ChangedMark => "有变化", "changed";
    // Search and filter lines.
    SearchPrompt => "搜索: ", "Search: ";
    SearchHint => "{0} 搜索 · {1} 取消 · {2} 补全 · ↑↓ 历史 · {3} 按键 | 词 字段:值1,值2 createDT>=2024-01-01，空格分隔（AND），值内不可有空格", "{0} search · {1} cancel · {2} complete · ↑↓ history · {3} keys | word, field:v1,v2, createDT>=2024-01-01; spaces split terms (AND), none inside a value";
    FilterPrompt => "日期筛选: ", "Date filter: ";
    LiveFilterPrompt => "筛选: ", "Filter: ";
    LiveFilterHint => "逐字筛选本地缓存 · {0} 保留 · {1} 清除 · {2} 按键 | 登录 | status:2 | updateDT>=2024-03-01", "narrows the store's rows as you type · {0} keep · {1} clear · {2} keys | login | status:2 | updateDT>=2024-03-01";
    StoreFilter => "筛选：{0}", "filter: {0}";
    StoreFilterUnknown => "另有 {0} 张需服务器才能判断，未列出", "{0} more left out: only the server can tell";
    FilterHint => "{0} 应用 · {1} 取消 · ↑↓ 历史 · {2} 按键 | created 2024-01-01..2024-02-01 | updated 2024-03-01.. | 留空清除", "{0} apply · {1} cancel · ↑↓ history · {2} keys | created 2024-01-01..2024-02-01 | updated 2024-03-01.. | empty clears";
    CompleteCandidates => "{0} 依次选：{1}", "{0} cycles: {1}";
    FilterBad => "格式：created|updated 开始..结束（YYYY-MM-DD，可省略一端）", "Format: created|updated START..END (YYYY-MM-DD, either end may be left out)";
    QuerySpace => "值里不能有空格：{0}", "A value cannot contain a space: {0}";
    QueryEmpty => "值不能为空", "A value cannot be empty";
    QueryBadDate => "日期格式不对（应为 YYYY-MM-DD）：{0}", "Not a date (YYYY-MM-DD): {0}";
    QueryBadField => "不是字段名：{0}", "Not a field name: {0}";
    QueryNothing => "请输入搜索内容", "Type something to search for";
    // Detail pane.
    DetailTitle => "工单 #{0}", "Ticket #{0}";
    FieldSubject => "标题", "Subject";
    FieldStatus => "状态", "Status";
    FieldPriority => "优先级", "Priority";
    FieldType => "类型", "Type";
    FieldSource => "来源", "Source";
    FieldContact => "联系人", "Contact";
    FieldCompany => "公司", "Company";
    FieldAssignee => "受理人", "Assignee";
    FieldGroup => "受理组", "Group";
    FieldCreator => "创建人", "Created by";
    FieldCc => "抄送", "CC";
    FieldTags => "标签", "Tags";
    // A field the server left out or sent as null: not known, which is not "none".
    ValueUnknown => "未知", "not known";
    // The same in a list cell, where a word would not fit.
    ValueUnknownCell => "—", "—";
    FieldCreated => "创建时间", "Created";
    FieldUpdated => "更新时间", "Updated";
    FieldTemplate => "模板", "Template";
    FieldUrl => "链接", "URL";
    FieldDescription => "描述", "Description";
    FieldCustom => "自定义字段", "Custom fields";
    FieldTables => "表格", "Tables";
    None_ => "无", "none";
    Paid => "已支付", "paid";
    Unpaid => "未支付", "unpaid";
    DetailLoading => "正在加载完整工单…", "Loading the full ticket…";
    DetailPartial => "只显示列表/搜索给出的字段：此账号无权调用查看工单接口（HTTP 403）", "Showing only what the list or search gave: this account may not call show (HTTP 403)";
    DetailNotFound => "服务器上找不到这张工单", "The server does not know this ticket";
    // Status menu.
    StatusMenuTitle => "设置状态 #{0}", "Set status of #{0}";
    // The quick filters' facets (`F`).
    FacetsTitle => "筛选 {0}（{1} 条）", "Filter {0} ({1} rows)";
    FacetsTitlePartial => "筛选 {0}（已加载 {1} 条）", "Filter {0} ({1} rows loaded)";
    FacetsHint => "{0} 选择 {1} 确定 左侧键直选 {2} 取消", "{0} move, {1} pick, the key on the left picks, {2} cancel";
    FacetsNone => "这些工单的状态、优先级、受理人、客服组和标签都未知", "No status, priority, assignee, group or tag of these rows is known";
    FacetNobody => "（无）", "(none)";
    // In a tab: the quick filter picked, a facet and its value.
    TabQuickFilter => "{0}={1}", "{0}={1}";
    // Saving a search or a filter as a view (`S`).
    SaveViewPrompt => "保存为视图，名称：", "Save as a view named: ";
    SaveViewHint => "{0} 写入配置文件 · {1} 取消", "{0} writes it to the config file · {1} cancel";
    ViewSaved => "已将视图“{0}”写入 {1}", "Saved the view \"{0}\" to {1}";
    ViewSaveFailed => "视图未保存：{0}", "The view was not saved: {0}";
    SaveViewNoConfig => "没有使用配置文件中的 profile，无法保存视图（见 gongdan config path）", "No profile of a config file is in use: there is nowhere to save a view (see gongdan config path)";
    SaveViewPlainText => "纯文本筛选无法保存为视图：请用查询语法（如 tagList:vip）", "A plain-text filter cannot be saved as a view: filter with a query (tagList:vip) instead";
    SaveViewBadQuery => "这个视图无法写成搜索：{0}", "This view cannot be written as a search: {0}";
    SaveViewRead => "无法读取配置文件 {0}", "Could not read the config file {0}";
    SaveViewNotToml => "配置文件无法解析：{0}", "The config file does not parse: {0}";
    SaveViewNoProfile => "配置文件中没有 [profiles.{0}]", "The config file has no [profiles.{0}]";
    SaveViewViewsNotAList => "profiles.{0}.views 不是视图列表", "profiles.{0}.views is not a list of views";
    SaveViewExists => "已有名为“{0}”的视图", "A view named \"{0}\" exists already";
    SaveViewWrite => "无法写入配置文件 {0}", "Could not write the config file {0}";
    NotForMarked => "已标记视图只列出标记的工单，不能快速筛选或保存为视图", "The marked view lists the marks only: it is not quick-filtered or saved as a view";
    QuickFilterCleared => "已清除快速筛选", "Quick filter cleared";
    QuickFilterListView => "列表视图只能在本地库同步后快速筛选；可用 {key:list.search} 搜索", "A list view is quick-filtered only once the local store answers it; search with {key:list.search} instead";
    QuickFilterTagNotSearchable => "标签“{0}”含空格或逗号，服务器搜索无法按它筛选", "The tag \"{0}\" holds a space or a comma: the server's search cannot filter on it";
    StatusMenuHint => "{0} 选择 {1} 确定 {2} 直选 {3} 取消", "{0} move, {1} pick, {2} direct, {3} cancel";
    // Copy menu.
    CopyMenuTitle => "复制 #{0}", "Copy from #{0}";
    CopyMenuHint => "{0} 选择 {1} 复制 {2} 关闭", "{0} move, {1} copy, {2} close";
    CopyId => "工单编号", "ticket id";
    CopySubject => "标题", "subject";
    CopyPhone => "联系人电话", "contact phone";
    CopyEmail => "联系人邮箱", "contact email";
    CopyDescription => "描述", "description";
    CopyFields => "自定义字段", "custom fields";
    CopyWebLink => "网页链接", "web link";
    CopyApiUrl => "API 链接", "API URL";
    CopyValueUnknown => "未知", "unknown";
    CopyValueEmpty => "（空）", "(empty)";
    CopyValueNotSet => "未设置（配置 web_url）", "not set (config web_url)";
    // Help.
    HelpTitle => "按键帮助：{0}", "Keys: {0}";
    HelpClose => "{0} 关闭", "{0} close";
    PaneList => "列表", "list";
    PaneDetail => "详情", "detail";
    PanePrompt => "输入行", "input line";
    PaneStatusMenu => "状态菜单", "status menu";
    PaneCopyMenu => "复制菜单", "copy menu";
    PaneMacroMenu => "宏菜单", "macro menu";
    PaneFacets => "快速筛选", "quick filters";
    PaneHelp => "帮助", "help";
    // Key descriptions (the key map).
    KeyDown => "下移一行", "Move down";
    KeyUp => "上移一行", "Move up";
    KeyTop => "到第一行", "Go to the first row";
    KeyBottom => "到最后一行", "Go to the last row";
    KeyPageDown => "下翻一页", "Page down";
    KeyPageUp => "上翻一页", "Page up";
    KeyHalfDown => "下翻半页", "Half a page down";
    KeyHalfUp => "上翻半页", "Half a page up";
    KeyOpen => "打开工单详情（宽屏时进入右侧预览）", "Open the ticket (wide screens: into the preview)";
    KeyNextTicket => "视图中的下一张工单", "Next ticket of the view";
    KeyPrevTicket => "视图中的上一张工单", "Previous ticket of the view";
    KeyGoTo => "按工单号打开", "Open a ticket by number";
    KeyScrollTicketDown => "工单向下滚动（边写边看）", "Scroll the ticket down (read while writing)";
    KeyScrollTicketUp => "工单向上滚动", "Scroll the ticket up";
    KeyPageTicketDown => "工单下翻一页", "Page the ticket down";
    KeyPageTicketUp => "工单上翻一页", "Page the ticket up";
    GoToPrompt => "工单号: ", "Ticket #: ";
    GoToHint => "{0} 打开 · {1} 取消 · ↑↓ 历史 · {2} 按键 | 输入工单号", "{0} open · {1} cancel · ↑↓ history · {2} keys | a ticket number";
    GoToBad => "不是工单号：只能输入数字", "Not a ticket number: digits only";
    KeyBack => "返回（关闭搜索结果/详情）", "Back (leave search results / detail)";
    KeyBackToList => "返回列表", "Back to the list";
    KeyQuit => "退出", "Quit";
    KeyForceQuit => "立即退出", "Quit now";
    KeySearch => "搜索", "Search";
    KeyStatus => "改状态", "Change status";
    KeyCopy => "复制…（编号、电话、订单号、链接等）", "Copy… (id, phone, order number, link…)";
    KeyCopySelected => "复制选中的一项", "Copy the highlighted entry";
    KeyCopyId => "复制工单编号", "Copy the ticket id";
    KeyCopySubject => "复制标题", "Copy the subject";
    KeyCopyPhone => "复制联系人电话", "Copy the contact's phone";
    KeyCopyEmail => "复制联系人邮箱", "Copy the contact's email";
    KeyCopyDescription => "复制描述", "Copy the description";
    KeyCopyField => "复制第 N 个自定义字段（如订单编号）", "Copy custom field N (an order number, say)";
    KeyCopyWebLink => "复制网页链接（配置 web_url）", "Copy the web link (config web_url)";
    KeyCopyApiUrl => "复制 API 链接（需 Basic 认证，放在最后）", "Copy the API URL (needs Basic auth; the last choice)";
    KeyReload => "刷新当前视图", "Reload the view";
    KeyHelp => "按键帮助", "Key help";
    KeyNextView => "下一个视图", "Next view";
    KeyPrevView => "上一个视图", "Previous view";
    KeyViewN => "切换到第 N 个视图", "Switch to view N";
    KeySortField => "切换排序字段（创建/更新/状态）", "Cycle the sort field (created/updated/status)";
    KeySortOrder => "切换升序/降序", "Toggle ascending/descending";
    KeyFilter => "筛选：本地视图逐字筛选，服务器视图按日期", "Filter: as you type (store view), by date (server view)";
    KeyMark => "标记/取消标记并下移", "Mark or unmark, move down";
    KeyBulk => "批量编辑（已标记的或当前工单）", "Bulk edit (marked, or the current ticket)";
    KeyReply => "回复", "Reply";
    KeyMacros => "宏：一键套用一组修改", "Macros: apply a set of changes";
    KeyMacroApply => "套用选中的宏", "Apply the highlighted macro";
    KeyMacroDigit => "直接套用第 N 个宏", "Apply macro N";
    KeySnippet => "插入常用回复", "Insert a canned reply";
    KeyNew => "新建工单", "New ticket";
    KeyScrollDown => "向下滚动", "Scroll down";
    KeyScrollUp => "向上滚动", "Scroll up";
    KeyClose => "关闭", "Close";
    KeyPick => "选定", "Pick";
    KeyPickDigit => "直接选第 N 个状态", "Pick status N";
    KeyQuickFilter => "快速筛选：按状态、优先级、受理人、客服组、标签", "Quick filter: by status, priority, assignee, group, tag";
    KeyClearQuickFilter => "清除快速筛选", "Clear the quick filter";
    KeySaveView => "把当前搜索或筛选保存为视图（写入配置文件）", "Save the search or filter shown as a view (in the config file)";
    KeyPickFacet => "直接选该行的值", "Pick the value on that key's line";
    KeySubmit => "提交", "Submit";
    KeyCancel => "取消", "Cancel";
    KeyDeleteChar => "删除前一个字符", "Delete the previous character";
    KeyCursor => "移动光标", "Move the cursor";
    KeyLineStart => "到行首", "To the start of the line";
    KeyLineEnd => "到行尾", "To the end of the line";
    KeyWordLeft => "左移一个词", "Back a word";
    KeyWordRight => "右移一个词", "Forward a word";
    KeyDeleteUnder => "删除光标处的字符", "Delete the character under the caret";
    KeyKillToStart => "删除到行首（清空前面的内容）", "Delete to the start of the line";
    KeyKillToEnd => "删除到行尾", "Delete to the end of the line";
    KeyKillTermBack => "删除前一个词（到空格为止）", "Delete the term before the caret (back to a space)";
    KeyKillWordBack => "删除前一个词", "Delete the word before the caret";
    KeyHistoryPrev => "上一条历史", "Previous entry of the history";
    KeyHistoryNext => "下一条历史（最后回到正在输入的内容）", "Next entry of the history (then back to what was typed)";
    KeyComplete => "补全字段名或取值（再按依次选）", "Complete a field name or value (again: the next candidate)";
    // The reply composer and the new-ticket form (branch composer).
    PaneComposer => "回复", "Reply";
    PaneNewTicket => "新建工单", "New ticket";
    KeySendReply => "发送回复", "Send the reply";
    KeySendWithStatus => "发送并设置状态（默认已解决）", "Send and set a status (solved by default)";
    KeyAttach => "添加附件（输入文件路径）", "Attach a file (type its path)";
    KeyExternalEditor => "用 $VISUAL/$EDITOR 编辑", "Edit in $VISUAL/$EDITOR";
    KeyCloseKeepDraft => "关闭（保留草稿）", "Close (the draft is kept)";
    KeyCreateTicket => "创建工单", "Create the ticket";
    ComposeTitle => "回复 #{0}", "Reply to #{0}";
    ComposeTitleMany => "回复已标记的 {0} 张工单", "Reply to the {0} marked tickets";
    ComposeHint => "{key:composer.send} 发送 · {key:composer.close} 关闭 · {key:composer.snippet} 常用回复 · {key:composer.scroll_ticket_down}/{key:composer.scroll_ticket_up} 滚动工单 · {key:composer.send_with_status} 发送并设状态 · {key:composer.attach} 附件 · {key:composer.external_editor} 编辑器 · {key:composer.help} 按键", "{key:composer.send} send · {key:composer.close} close · {key:composer.snippet} canned reply · {key:composer.scroll_ticket_down}/{key:composer.scroll_ticket_up} scroll ticket · {key:composer.send_with_status} send+status · {key:composer.attach} attach · {key:composer.external_editor} editor · {key:composer.help} keys";
    ComposeAttachments => "附件：{0}", "Attached: {0}";
    ComposeUploadingMark => "（上传中）", " (uploading)";
    ComposeAttachPrompt => "附件路径：", "File to attach: ";
    ComposeStatusTitle => "发送并设为", "Send and set";
    ComposeStaleTitle => "#{0} 在您打开后已被更改，尚未发送", "#{0} changed since it was shown: nothing sent";
    ComposeStaleUpdated => "更新时间：{0}（您看到的是 {1}）", "Updated {0} (you saw {1})";
    ComposeStaleField => "{0}：{1} → {2}", "{0}: {1} → {2}";
    ComposeStaleHint => "{key:composer.send} 仍然发送 · {key:prompt.cancel} 返回编辑", "{key:composer.send} send anyway · {key:prompt.cancel} back to the text";
    ComposeStaleClosed => "#{0} 在您打开后已被更改，回复未发送，已存为草稿", "#{0} changed since it was shown: the reply was not sent and is kept as a draft";
    ComposeNoTicket => "没有选中的工单可以回复", "No ticket selected to reply to";
    ComposeDraftRestored => "已恢复草稿", "Draft restored";
    ComposeDraftKept => "草稿已保留", "Draft kept";
    ComposeDraftFailed => "草稿无法保存：{0}", "The draft could not be saved: {0}";
    ComposeEmpty => "回复是空的，没有发送", "The reply is empty; nothing was sent";
    ComposeUploading => "附件还在上传，请稍候再发送", "An attachment is still uploading; send when it is done";
    ComposeSending => "正在发送对 #{0} 的回复…", "Sending the reply to #{0}…";
    ComposeSendingMany => "正在向 {0} 张工单发送回复…", "Sending the reply to {0} tickets…";
    ComposeSent => "已回复 #{0}", "Reply sent to #{0}";
    ComposeSentWithStatus => "已回复 #{0}，并设为 {1}", "Reply sent to #{0}, and set to {1}";
    ComposeSendFailed => "对 #{0} 的回复没有发出：{1}。文字已保留", "The reply to #{0} was not sent: {1}. The text is kept";
    ComposeUploadFailed => "{0} 没有上传：{1}", "{0} was not uploaded: {1}";
    ComposeEditorFailed => "外部编辑器出错：{0}", "The external editor failed: {0}";
    ComposeNoJournal => "没有状态目录，无法记录批量回复，未发送", "No state directory to journal a reply to many; nothing was sent";
    ComposeManyDone => "批量回复完成：{0}", "Reply to many finished: {0}";
    ComposeManyFailed => "批量回复没有完成：{0}", "The reply to many did not finish: {0}";
    ComposeManyProgress => "批量回复：成功 {0}，失败 {1}，共 {2}", "Reply to many: {0} done, {1} failed, of {2}";
    SentRepliesTitle => "本次会话发出的回复", "Replies sent in this session";
    SentReplyStatus => "· 状态设为 {0}", "· status set to {0}";
    FormTitle => "新建工单", "New ticket";
    FormHint => "{key:new_ticket.next_field}/↑↓ 切换字段 · ←→ 选择 · {key:new_ticket.create} 创建 · {key:new_ticket.close} 关闭（保留草稿）", "{key:new_ticket.next_field}/↑↓ field · ←→ choose · {key:new_ticket.create} create · {key:new_ticket.close} close (draft kept)";
    FormSubject => "标题", "Subject";
    FormContactId => "联系人编号", "Contact id";
    FormMobile => "或手机号", "or mobile";
    FormName => "姓名", "Name";
    FormEmail => "邮箱", "Email";
    FormQq => "QQ", "QQ";
    FormPriority => "优先级", "Priority";
    FormType => "类型", "Type";
    FormTemplate => "模板", "Template";
    FormAssignee => "受理人", "Assignee";
    FormGroup => "受理组", "Group";
    FormTags => "标签（逗号分隔）", "Tags (comma-separated)";
    FormDescription => "描述", "Description";
    FormNotSet => "（不设置）", "(not set)";
    FormNeedSubject => "请填写标题", "The subject is missing";
    FormNeedDescription => "请填写描述", "The description is missing";
    FormNeedContact => "请填写联系人编号或手机号", "Give a contact id or a mobile number";
    FormBadContactId => "联系人编号应为数字：{0}", "A contact id is a number: {0}";
    FormCreating => "正在创建工单…", "Creating the ticket…";
    FormCreated => "已创建工单 #{0}", "Ticket #{0} created";
    FormCreateFailed => "工单没有创建：{0}。表单已保留", "The ticket was not created: {0}. The form is kept";
    // Errors in plain words.
    ErrBadCredentials => "登录被拒绝：请检查账号和密码（HTTP 401）", "Sign-in refused: check the account and password (HTTP 401)";
    ErrForbidden => "此账号的角色无权执行该操作（HTTP 403）", "This account's role may not do that (HTTP 403)";
    ErrNotFound => "找不到", "Not found";
    ErrInvalid => "服务器拒绝了一个值：{0}", "The server refused a value: {0}";
    ErrRateLimited => "服务器限流，请稍后再试", "Rate limited by the server; try again shortly";
    ErrServer => "服务器出错（HTTP {0}），请稍后按 {key:list.reload} 重试", "Server error (HTTP {0}); press {key:list.reload} to retry later";
    ErrReported => "服务器报告错误：{0}", "The server reported an error: {0}";
    ErrTimeout => "服务器没有及时回应，按 {key:list.reload} 重试", "The server did not answer in time; press {key:list.reload} to retry";
    ErrNetwork => "网络错误：{0}，按 {key:list.reload} 重试", "Network error: {0}; press {key:list.reload} to retry";
    NetTimeout => "服务器没有及时回应", "the server did not answer in time";
    NetReset => "连接被中断", "the connection was dropped";
    NetRefused => "服务器拒绝连接", "the server refused the connection";
    NetDns => "找不到主机 {0}", "could not find the host {0}";
    ErrDecode => "无法读取服务器的回应：{0}", "Could not read the server's answer: {0}";
    ErrConfig => "配置错误：{0}", "Configuration problem: {0}";
    UnreadableReason => "无法读取：{0}", "could not read: {0}";
    RowLoading => "读取中…", "loading…";
    UnreadableWithoutId => "本页有 {0} 张工单无法读取，也没有可读的工单号", "Could not read {0} ticket(s) on this page, which have no readable id";
    UnreadableField => "无法读取（{0}）", "could not read ({0})";
    BulkUnreadableLeftOut => "无法读取的工单不在此次修改中：{0}", "Left out, could not be read: {0}";
    UnreadableDetail => "无法读取工单 #{0}：{1}", "Could not read ticket #{0}: {1}";
    ErrRedirected => "服务器重定向到 {0}，未跟随（凭据只发给配置的服务器；请检查 base URL）", "The server redirects to {0}; not followed, so that the credentials stay with the configured server (check the base URL)";
    // Startup (printed before the screen opens).
    PasswordPrompt => "{0} 的密码：", "Password for {0}: ";
    TooSmall => "终端太小", "Terminal too small";
    // Key map, theme and terminal fit (keys-themes).
    TooSmallNeed => "至少需要 {0}×{1}，现在是 {2}×{3}", "needs at least {0}×{1}, now {2}×{3}";
    KeyConflict => "按键冲突：{0} 生效，{1} 被忽略", "Key conflict: {0} is kept, {1} is ignored";
    ViewBadSearch => "视图「{0}」的搜索无法解析，已略过：{1}", "View \"{0}\" left out: its search does not parse: {1}";
    StartupMore => "（另有 {0} 条提示，见 gongdan config check）", "(and {0} more: see gongdan config check)";
    OwnerlessDrafts => "{0} 份旧版草稿不知属于哪个账号，不会自动载入：在 {1}", "{0} drafts from an older version do not say whose they are and are not offered: they are in {1}";
    // Faults (app::faults, ui::sign_in).
    Retrying => "{0}，{1} 秒后重试", "{0}; retrying in {1} s";
    RetryHint => "按 {key:list.reload} 重试", "press {key:list.reload} to retry";
    GaveUp => "{0}，{1}", "{0}; {1}";
    SignInAgain => "服务器拒绝了密码（可能已修改）：请重新输入", "The server refused the password (changed?): type it again";
    SignInTitle => "重新登录 {0}", "Sign in again: {0}";
    SignInLabel => "密码：", "Password: ";
    SignInEmpty => "请输入密码", "Type the password";
    SignInCancelled => "未登录：按 {key:list.reload} 重新加载时会再次询问密码", "Not signed in: {key:list.reload} reloads and asks again";
    SigningIn => "正在重新登录…", "Signing in again…";
    SignedInAgain => "已重新登录", "Signed in again";
    NotSent => "未发送", "not sent";
    ListViewForbidden => "此账号无权列出工单（HTTP 403）：请在配置里把这个视图改为 search = \"...\"", "This account may not list tickets (HTTP 403): make this view a search = \"...\" in the config";
    StatusMenuNotMarks => "只改 #{0}；要改已标记的 {1} 张，请按 {key:list.bulk}", "Only #{0} changes; {key:list.bulk} changes the {1} marked tickets";
    // Marks and bulk edit.
    ViewMarked => "已标记", "Marked";
    KeyMarkRange => "范围标记（移动以扩展，再按标记或返回结束）", "Mark a range (move to extend; mark or back to end)";
    KeyMarkLoaded => "标记已加载的全部工单", "Mark every loaded ticket";
    KeyMarkAll => "标记服务器上匹配的全部工单", "Mark every matching ticket on the server";
    KeyMarkClear => "清除标记（没有标记时：恢复上次清除的）", "Clear the marks (with none marked: bring back the last cleared)";
    KeyMarkOnly => "只看已标记的", "Show only the marked";
    KeyHistory => "批量修改历史（撤销/继续）", "Bulk history (undo/resume)";
    // Marks (status-bar notices and the marks indicator).
    MarkRangeEnded => "范围结束，已标记 {0} 张", "range ended, {0} marked";
    MarkRangeHint => "范围标记：{key:list.move_down}/{key:list.move_up} 扩展，{key:list.mark} 或 {key:list.back} 结束", "range: {key:list.move_down}/{key:list.move_up} extend, {key:list.mark} or {key:list.back} ends";
    MarkLoaded => "标记了已加载的 {0} 张（共 {1} 张已标记）", "marked {0} loaded ({1} marked)";
    MarkFetchStarted => "正在从服务器取全部匹配的工单号…", "fetching every matching ticket id…";
    MarkFetchProgress => "正在标记：{0}", "marking: {0}";
    MarkFetchDone => "已从服务器标记 {0} 张（共 {1} 张已标记）", "marked {0} from the server ({1} marked)";
    MarkFetchStopped => "取工单号中断（已标记 {0} 张）：{1}", "fetching ids stopped ({0} marked): {1}";
    MarkCount => "已标记 {0}", "{0} marked";
    MarkRangeSuffix => "（范围）", " (range)";
    MarkFetchSuffix => " 取号 {0}", " fetching {0}";
    // Bulk edit, run, report and history (moved from inline pairs).
    BulkNoTicketSelected => "没有选中的工单", "No ticket selected";
    BulkRunGoingOn => "批量修改进行中，完成后再看历史", "A bulk run is going on; history after it";
    BulkNobody => "（无人）", "(nobody)";
    BulkNoGroup => "（无组）", "(no group)";
    BulkStatus => "状态", "Status";
    BulkPriority => "优先级", "Priority";
    BulkType => "类型", "Type";
    BulkAssignee => "受理人", "Assignee";
    BulkGroup => "受理组", "Group";
    BulkCc => "抄送", "CC";
    BulkTags => "标签", "Tags";
    BulkNoChange => "（不变）", "(no change)";
    BulkAdd => "添加", "add";
    BulkRemove => "移除", "remove";
    BulkReplaceWith => "替换为", "replace with";
    BulkNothingToChange => "没有要修改的工单", "Nothing to change";
    BulkTypeCountToConfirm => "请输入 {0} 以确认", "type {0} to confirm";
    BulkNothingFailed => "没有失败的工单", "Nothing failed";
    BulkCannotUndo => "这一批次不能撤销", "This run cannot be undone";
    BulkNothingToResume => "这一批次无需继续", "This run has nothing left to send";
    BulkLaterFromHistory => "稍后可按 {key:list.bulk_history} 在历史中继续或撤销", "Later: {key:list.bulk_history} opens the history to resume or undo";
    BulkReadingTickets => "正在读取工单…", "Reading the tickets…";
    BulkUnknownAgent => "不认识的客服：{0}", "unknown agent: {0}";
    BulkFieldWantsInteger => "{0} 应为整数（如 12），请改正或按 {key:bulk.clear_row} 不改", "{0} takes a whole number (e.g. 12): correct it, or {key:bulk.clear_row} leaves it unchanged";
    BulkFieldWantsNumber => "{0} 应为数字（如 3.5），请改正或按 {key:bulk.clear_row} 不改", "{0} takes a number (e.g. 3.5): correct it, or {key:bulk.clear_row} leaves it unchanged";
    BulkNothingPicked => "没有选择要修改的内容", "Nothing picked to change";
    BulkCallFailed => "第 {0} 次调用（{1} 张）失败：{2}", "call {0} ({1} tickets) failed: {2}";
    BulkRunsStoppedCount => "有 {0} 个批量修改中途停止了", "{0} bulk run(s) stopped mid-way";
    BulkExitWaiting => "批量修改已停止发送，正在等待发送中的请求（最多 {0} 秒）；下次启动时可继续", "The bulk run sends nothing more; waiting for the calls in flight (at most {0} s); the next start offers to resume it";
    BulkStatusProgress => "批量 {0}/{1} 失败 {2}", "bulk {0}/{1}, {2} failed";
    BulkHistoryTitle => "批量修改历史", "Bulk history";
    BulkStoppedTitle => "批量修改中途停止", "Bulk runs stopped mid-way";
    BulkFormTitle => "批量编辑 {0} 张工单", "Bulk edit: {0} tickets";
    BulkUndoOf => "撤销 {0}", "Undo of {0}";
    BulkUndoNotStarted => "撤销未开始，什么也没有发送", "Undo not started: nothing was sent";
    BulkReportAuthRefused => "服务器拒绝了登录（401）：{0} 张未发送；重新登录后自动继续（或按 {key:bulk_result.retry}）", "The server refused the sign-in (401): {0} not sent; they go out once you sign in again (or press {key:bulk_result.retry})";
    BulkRetryOf => "重试 {0}", "Retry of {0}";
    BulkRunTitle => "批量修改 {0}", "Bulk run {0}";
    BulkRunTitlePlain => "批量修改", "Bulk run";
    BulkAndMore => " 等 {0} 张", " and {0} more";
    BulkPreviewHeading => "将要修改：", "This will change:";
    BulkPreviewLines => "第 {0}–{1} 行，共 {2} 行", "lines {0}–{1} of {2}";
    BulkPreviewCalls => "分 {0} 次调用发送，每次最多 {1} 张，同时 {2} 个调用", "sent in {0} calls of up to {1} tickets, {2} at once";
    BulkPreviewOneCall => "一次调用发送", "sent in one call";
    BulkPreviewRunId => "批次 {0}（可在历史 {key:list.bulk_history} 中撤销）", "run {0} (undo later from the history, {key:list.bulk_history})";
    BulkPreviewUndoRunId => "批次 {0}", "run {0}";
    BulkPreviewReplyRunId => "批次 {0}（回复发出后不能撤回）", "run {0} (a reply cannot be taken back once sent)";
    BulkUndoReplyOnly => "没有可撤销的：这一批次只发了回复，回复不能撤回", "Nothing to undo: the run only added a reply, and a reply cannot be taken back";
    BulkNoJournal => "没有状态目录，无法记录批量修改", "no state directory: bulk runs cannot be journaled";
    BulkUndoAlreadyUndone => "没有可撤销的：批次 {0} 已被批次 {1} 撤销", "Nothing to undo: run {0} was already undone by run {1}";
    BulkConfirmPrompt => "超过 {0} 张：请输入 {1} 确认：", "More than {0}: type {1} to confirm: ";
    BulkRunProgress => "完成 {0}  失败 {1}  剩余 {2}  预计还要 {3}", "done {0}  failed {1}  left {2}  time left {3}";
    BulkRunCalls => "调用 {0}/{1}", "calls {0}/{1}";
    BulkCheckingInFlight => "正在核对中断时在途的 {0} 张…", "checking {0} tickets that were in flight…";
    BulkCancelling => "正在取消：在途的调用完成后停止", "cancelling: stops when the calls in flight answer";
    BulkReportCancelled => "已取消：{0} 张未发送", "cancelled: {0} not sent";
    BulkReportFailed => "失败 {0} 张：", "{0} failed:";
    BulkReportNotRestored => "{0} 张未能恢复：", "{0} could not be put back:";
    BulkReportLeftOut => "{0} 张未包含：", "{0} left out:";
    BulkReportNoAnswer => "{0} 张没有回应（可在历史中继续）", "{0} got no answer (resume from the history)";
    BulkReportSucceeded => "成功 {0} 张：", "{0} succeeded:";
    BulkPreviewChangedLeftAlone => "预览后在服务器上被修改的工单不会修改，单独列出（{key:bulk_preview.apply_anyway}：照样修改）", "Tickets changed on the server since this preview are left alone and listed ({key:bulk_preview.apply_anyway}: change them anyway)";
    BulkPreviewApplyAnyway => "预览后被修改的工单也照样修改（{key:bulk_preview.apply_anyway}：不修改）", "Tickets changed since this preview are changed anyway ({key:bulk_preview.apply_anyway}: leave them alone)";
    BulkReportUnknown => "{0} 张结果未知（回应丢失；可在历史中继续，继续前会先核对）：", "{0} outcome unknown (the answer was lost; resume from the history checks them first):";
    BulkReportUnsettled => "{0} 张的回复可能已发送也可能未发送，请检查这些工单：", "{0} replies may or may not have been sent: check these tickets:";
    BulkReportTakenAsSent => "{0} 张的回复视为已发送（工单在此期间有变动，如不确定请检查）：", "{0} replies taken as sent (the ticket changed meanwhile; check if unsure):";
    BulkReportChanged => "{0} 张在预览后被修改，未处理：", "{0} changed since the preview, left alone:";
    BulkHistoryLoading => "读取中…", "Loading…";
    BulkHistoryEmpty => "还没有批量修改", "No bulk runs yet";
    BulkStoppedExplained => "上次有批量修改没有做完（进程被中断）。已做的部分已记录，继续不会重复修改。", "A bulk run did not finish last time (the process stopped). What was done is recorded; resuming changes nothing twice.";
    // Key map of the bulk pane, history, resume offer, sign-in and forms (issue 5).
    PaneBulk => "批量编辑", "bulk edit";
    PaneBulkText => "批量编辑：输入文字", "bulk edit: typing";
    PaneBulkPreview => "批量预览", "bulk preview";
    PaneBulkRun => "批量进行中", "bulk run";
    PaneBulkResult => "批量结果", "bulk result";
    PaneBulkHistory => "批量历史", "bulk history";
    PaneResumeOffer => "继续中断的批量", "resume offer";
    PaneSignIn => "重新登录", "sign-in";
    KeyBulkNextValue => "下一个值（标签：添加/移除/替换）", "Next value (tags: add/remove/replace)";
    KeyBulkPrevValue => "上一个值", "Previous value";
    KeyBulkEdit => "编辑文字行", "Edit a text row";
    KeyBulkClearRow => "这一行不变", "Set the row back to no change";
    KeyBulkPreview => "预览", "Preview";
    KeyBulkEditDone => "完成输入", "Done typing";
    KeyBulkEditDiscard => "放弃输入", "Discard what was typed";
    KeyBulkStart => "开始修改", "Start the run";
    KeyBulkApplyAnyway => "预览后被他人修改的工单也照样修改（再按一次：不修改）", "Also change tickets changed on the server since this preview (again: leave them)";
    KeyBulkBackToForm => "返回修改", "Back to the form";
    KeyBulkCancelRun => "取消（在途调用完成后停止）", "Cancel (calls in flight finish)";
    KeyBulkHide => "隐藏（后台继续）", "Hide (the run goes on)";
    KeyBulkRetry => "重试失败的", "Retry the failed";
    KeyBulkUndoRun => "撤销本批次", "Undo the run";
    KeyBulkUndo => "撤销选中的批次", "Undo the selected run";
    KeyBulkResume => "继续未完成的", "Resume an unfinished run";
    KeyBulkResumeRest => "继续剩下的", "Resume the rest";
    KeyBulkUndoDone => "撤销已做的", "Undo what was done";
    KeyBulkLater => "以后再说（历史里可继续）", "Later (resume from the history)";
    KeySignIn => "登录", "Sign in";
    KeyNextField => "下一个字段", "Next field";
    KeyPrevField => "上一个字段", "Previous field";
    KeyNextChoice => "下一个选项（选择字段）", "Next choice (choice fields)";
    KeyPrevChoice => "上一个选项（选择字段）", "Previous choice (choice fields)";
    HintRow => "选行", "row";
    HintValue => "选值", "value";
    HintTagsMode => "添加/移除/替换", "add/remove/replace";
    HintEdit => "编辑", "edit";
    HintEditText => "编辑文字", "edit text";
    HintNoChange => "不变", "no change";
    HintPreview => "预览", "preview";
    HintClose => "关闭", "close";
    HintType => "输入文字", "type";
    HintDone => "完成", "done";
    HintDiscard => "放弃", "discard";
    HintStart => "开始", "start";
    HintBackToForm => "返回修改", "back to the form";
    HintCancel => "取消", "cancel";
    HintHide => "隐藏（后台继续，{key:list.bulk} 回来）", "hide (goes on; {key:list.bulk} to come back)";
    HintRetryFailed => "重试失败的", "retry failed";
    HintSendRest => "发送剩下的", "send the rest";
    HintUndoRun => "撤销本批次", "undo the run";
    HintHistory => "历史", "history";
    HintScroll => "滚动", "scroll";
    HintMove => "选择", "move";
    HintUndo => "撤销", "undo";
    HintResume => "继续未完成的", "resume";
    HintResumeRest => "继续剩下的", "resume the rest";
    HintUndoDone => "撤销已做的", "undo what was done";
    HintLater => "以后再说（{key:list.bulk_history}）", "later ({key:list.bulk_history})";
    HintSignIn => "登录", "sign in";
    HintSend => "发送", "send";
    HintPick => "直选", "pick";
    HintApply => "套用", "apply";
    HintInsert => "插入", "insert";
    // Canned replies (issue 17).
    SnippetTitle => "常用回复", "Canned replies";
    SnippetFind => "查找：", "Find: ";
    SnippetNoMatch => "没有匹配的常用回复", "No canned reply matches";
    SnippetUnknown => "已插入，但这些变量的值未知，保留原样：{0}", "Inserted; these values are not known and were left as written: {0}";
    ComposeNoSnippets => "没有常用回复：在配置的 [[snippets]] 或 snippets/ 文件夹里添加", "No canned replies: add [[snippets]] to the config or files to the snippets/ folder";
    // Macros (issue 17).
    MacroMenuTitle => "宏", "Macros";
    CfgNoMacros => "只有内置的“分配给我”；在配置里添加 [[macros]]", "only the built-in \"Assign to me\"; add [[macros]] to the config";
    CfgMacroKey => "键 {0}", "key {0}";
    CfgMacroMenuOnly => "只在 m 菜单里", "from the m menu only";
    // The demo's canned replies and macro (`--demo` without any in the config).
    DemoSnippetThanksTitle => "已解决，感谢来信", "Solved, thanks";
    DemoSnippetThanks => "{contact}，您好：\n\n感谢您的来信。工单 #{ticket_id}「{subject}」已处理完毕，如仍有问题请直接回复。\n\n{agent}\n{today}", "Hello {contact},\n\nThank you for writing. Ticket #{ticket_id} \"{subject}\" is solved; if anything is still wrong, just reply.\n\n{agent}\n{today}";
    DemoSnippetInfoTitle => "需要更多信息", "Need more information";
    DemoSnippetInfo => "{contact}，您好：\n\n为尽快处理工单 #{ticket_id}，请提供问题出现的时间、截图和您的账号。\n\n{agent}", "Hello {contact},\n\nTo handle ticket #{ticket_id} quickly, please send when it happened, a screenshot and your account.\n\n{agent}";
    DemoMacroSolve => "解决并致谢", "Solve and thank";
    MacroKeyOne => "宏的键只能是一个键（不能是两键序列）", "a macro's key is one key, not a sequence of two";
    MacroKeyTaken => "宏“{0}”的键 {1} 已被占用（{2}），请从 {key:list.macros} 菜单套用", "macro \"{0}\": its key {1} is taken ({2}); apply it from the {key:list.macros} menu";
    MacroPreviewLine => " {2} │ #{0}：{1}", " {2} │ #{0}: {1}";
    MacroAssignToMe => "分配给我", "Assign to me";
    MacroMeUnknown => "还不知道你是哪位客服（客服列表未载入，或登录名不是客服的邮箱）：未分配", "Not known which agent you are (the agents list is not in, or the login is no agent's e-mail): nothing assigned";
    MacroNoSnippet => "宏指定的常用回复“{0}”不存在：未套用", "The macro's canned reply \"{0}\" does not exist: nothing applied";
    MacroNoTicket => "没有选中的工单", "No ticket selected";
    // Polish of the bulk pane and marks (issue 4 review).
    BulkTypedAheadStartHeld => "读取工单时按下的确认键未执行：请先看过预览，再按 {key:bulk_preview.start} 开始", "The confirm key pressed while the tickets were read was held back: look the preview over, then {key:bulk_preview.start} starts";
    BulkReportSkippedValue => "{0} 张已是 {1}，跳过：", "{0} already {1}, skipped:";
    BulkReportSkipped => "{0} 张已是目标值，跳过：", "{0} already set, skipped:";
    MarksClearedRestorable => "已清除 {0} 个标记 — 按 {key:list.clear_marks} 恢复", "Cleared {0} marks — {key:list.clear_marks} restores";
    MarksRestored => "已恢复 {0} 个标记", "Restored {0} marks";
    MarksNone => "没有标记，也没有可恢复的", "Nothing marked, nothing to restore";
    BulkKeysKept => "（已记下 {0} 个按键，预览出来后生效）", " ({0} keys kept for the preview)";
    BulkTypedAheadEnterHeld => "读取工单时按下的确认键未执行", "The confirm key pressed while the tickets were read was held back";
    // The help overlay when its keys do not all fit: how many are below and the key to see them.
    HelpMore => "还有 {0} 行（{1}）", "{0} more ({1})";
    // A checkbox custom field's value in the detail.
    CheckboxYes => "是", "yes";
    CheckboxNo => "否", "no";
    // `gongdan config path|check|store-secret`, and the config file's warnings and errors
    // printed before the console opens. Keys, paths, values and sources ([file], [env ..],
    // [flag ..], [default]) stay as written: scripts and tests grep them.
    CfgWarning => "警告：{0}", "warning: {0}";
    CfgError => "错误：{0}", "error: {0}";
    CfgConsoleWontStart => "错误：{0}（控制台将无法启动）", "error: {0} (the console will not start)";
    CfgCredentialFound => "已找到凭据：{0}", "credential found: {0}";
    CfgSignInOk => "登录：成功（已以 {0} 登录；此账号可以读取工单（测试搜索得到 {1} 张））", "sign-in: ok (signed in as {0}; the account can read tickets (a test search answered {1}))";
    CfgSignInOkNoCount => "登录：成功（已以 {0} 登录；此账号可以读取工单）", "sign-in: ok (signed in as {0}; the account can read tickets)";
    CfgSignInFailed => "登录：失败：{0}", "sign-in: FAILED: {0}";
    CfgCheckFailed => "config check 发现了问题（见上文）", "config check found a problem (see above)";
    CfgCannotWrite => "无法输出报告：{0}", "cannot write the report: {0}";
    CfgStoredInKeyring => "已存入系统钥匙串：服务 \"{0}\"，用户 \"{1}\"", "stored in the OS keyring: service \"{0}\", user \"{1}\"";
    CfgPathConfig => "配置文件    {0}{1}  [{2}]", "config file  {0}{1}  [{2}]";
    CfgPathAbsent => "（不存在）", " (absent)";
    CfgPathState => "状态目录    {0}", "state dir    {0}";
    CfgPathLog => "日志目录    {0}", "log dir      {0}";
    CfgSnippetFile => "常用回复文件 {0} 未读入：{1}", "snippet file {0} left out: {1}";
    CfgUnknownKey => "{0}:{1}:{2}: 未知的键 `{3}`，已忽略{4}", "{0}:{1}:{2}: unknown key `{3}` ignored{4}";
    CfgDidYouMean => "（是不是 `{0}`？）", " (did you mean `{0}`?)";
    CfgAccountIgnored => "{0} 被忽略：配置 \"{1}\" 用令牌登录，账号即其 secret_id", "{0} is ignored: profile \"{1}\" signs in with a token, as its secret_id";
    CfgReadFailed => "无法读取配置文件 {0}：{1}", "cannot read the config file {0}: {1}";
    CfgPasswordFileReadable => "配置文件 {0} 里有密码，但其他用户可以读取它（权限 {1}）；请运行：chmod 600 {0}", "the config file {0} holds a password but others may read it (mode {1}); run: chmod 600 {0}";
    CfgUnknownProfile => "没有名为 \"{0}\" 的配置{1}", "no profile named \"{0}\"{1}";
    CfgKnownProfiles => "（已有：{0}）", " (known: {0})";
    CfgNoProfiles => "（配置文件里没有任何配置）", " (the config file has no profiles)";
    CfgAmbiguousProfile => "配置文件里有多个配置（{0}）：用 --profile NAME 选择一个，或设置 default_profile", "the config file has several profiles ({0}): choose one with --profile NAME or set default_profile";
    CfgMissingBaseUrl => "没有指定服务器：在配置里设置 base_url，或传入 --base-url URL", "no server given: set base_url in the profile or pass --base-url URL";
    CfgBadBaseUrl => "服务器地址 \"{0}\"（{1}）无效：{2}", "the base URL \"{0}\" ({1}) is not valid: {2}";
    CfgMissingCaFile => "ca_file {0}（{1}）不存在或不是文件", "ca_file {0} ({1}) does not exist or is not a file";
    CfgMissingAccount => "没有指定 account：在配置里设置 account，或传入 --account NAME", "no account given: set account in the profile or pass --account NAME";
    CfgMissingSecretId => "没有指定 secret_id：在配置里设置 secret_id（auth = \"token\"）", "no secret_id given: set secret_id in the profile (auth = \"token\")";
    CfgNoCredential => "没有{0}：设置 {1}，或在配置里设置 password_command，或用 `gongdan config store-secret` 存起来，或在终端里运行以便询问", "no {0}: set {1}, or password_command in the profile, or store it with `gongdan config store-secret`, or run in a terminal to be asked";
    CfgWhatPassword => "密码", "password";
    CfgWhatSecret => "API 密钥", "API secret";
    CfgPromptFailed => "无法从终端读取密码：{0}", "could not read the password from the terminal: {0}";
    CfgKeyring => "系统钥匙串：{0}", "the OS keyring: {0}";
    CfgPromptCancelled => "已在密码提示处取消", "cancelled at the password prompt";
    CfgPasswordCommand => "password_command `{0}` {1}", "password_command `{0}` {1}";
    CfgNoHome => "找不到此用户的配置目录（HOME 设置了吗？）", "no config directory could be found for this user (is HOME set?)";
    CfgLogging => "日志：{0}", "logging: {0}";
    CfgParse => "{0}:{1}:{2}: 配置文件无法解析：{3}", "{0}:{1}:{2}: {3}";
    CfgUrlNoHost => "没有主机名", "it has no host";
    CfgUrlPlainHttp => "明文 http 会不加密地发送密码：请用 https，实在需要时在配置里设置 allow_http = true（或传入 --allow-http）", "plain http would send the password unencrypted: use https, or set allow_http = true in the profile (or pass --allow-http) if you must";
    CfgBadWebUrl => "web_url \"{0}\" 无效（{1}）：应为含 {id} 的 http(s) 地址，例如 \"https://example.bangwo8.com/ticket/{id}\"", "web_url \"{0}\" is not valid ({1}): expected an http(s) URL holding {id}, e.g. \"https://example.bangwo8.com/ticket/{id}\"";
    CfgUrlNotHttp => "应为 http:// 或 https:// 地址", "expected an http:// or https:// URL";
    CfgUrlQuery => "不能带查询参数或片段（? 或 #）", "it may not carry a query or a fragment";
    // A bad [keys] or [theme] entry (after its file:line:col and key path). `{s}` is where
    // a suggestion (`DidYouMeanQuoted`) goes, when there is one.
    DidYouMeanQuoted => "（是不是 \"{0}\"？）", " (did you mean \"{0}\"?)";
    KeyEmptyName => "键名为空", "an empty key name";
    KeyBadModifier => "未知的修饰键 {0}（ctrl、alt 或 shift）", "unknown modifier {0} (ctrl, alt or shift)";
    KeyUnknownName => "未知的键名 {0}", "unknown key name {0}";
    KeyTooMany => "{0} 有 {1} 个键：一个绑定只能是一个键或两个键的序列", "{0} has {1} keys: a binding is one key or a sequence of two";
    KeyUnknownPane => "未知的面板{s}（面板：{0}）", "unknown pane{s} (panes: {0})";
    KeyNotTable => "应为 `动作 = \"键\"` 的表", "expected a table of `action = \"key\"`";
    KeyUnknownAction => "{0} 里没有这个动作{s}", "unknown action in {0}{s}";
    KeyNotString => "应为键的字符串，实际是 {0}", "expected a key string, found {0}";
    KeyNotStringOrList => "应为键的字符串或键字符串的列表，实际是 {0}", "expected a key string or a list of key strings, found {0}";
    ThemeNotGroup => "应为样式的表（例如 new = \"magenta bold\"）", "expected a table of styles (e.g. new = \"magenta bold\")";
    ThemeUnknownRole => "未知的角色{s}", "unknown role{s}";
    ThemeUnknownStyleKey => "未知的键（fg、bg、bold、dim、italic、underline、reverse）", "unknown key (fg, bg, bold, dim, italic, underline, reverse)";
    ThemeNotBool => "应为 true 或 false，实际是 {0}", "expected true or false, found {0}";
    ThemeNotStyle => "应为样式字符串（\"red bold\"）或表（{ fg = \"red\" }），实际是 {0}", "expected a style string (\"red bold\") or a table ({ fg = \"red\" }), found {0}";
    ThemeOnWithoutColour => "`on` 后面必须跟一个颜色", "`on` must be followed by a colour";
    ThemeExtraWord => "{0} 既不是修饰词也不是 `on 颜色`（文字颜色已经给出）", "{0} is neither a modifier nor `on COLOUR` (the text colour is already given)";
    ThemeIndexRange => "颜色编号应为 0-255，实际是 {0}", "a colour index is 0-255, found {0}";
    ThemeNotColour => "应为颜色名、\"#rrggbb\" 或 0-255，实际是 {0}", "expected a colour name, \"#rrggbb\" or 0-255, found {0}";
    ThemeBadHex => "{0} 不是十六进制颜色（#rrggbb）", "{0} is not a hex colour (#rrggbb)";
    ThemeUnknownColour => "未知的颜色 {0}（颜色名如 red 或 darkgray、\"#rrggbb\" 或 0-255）", "unknown colour {0} (a name such as red or darkgray, \"#rrggbb\", or 0-255)";
    // The script commands' words (gongdan tickets, history, undo, resume, retry).
    ScriptNoFailed => "批次 {0} 没有失败的工单", "run {0} has no failed tickets";
    ScriptAboveThreshold => "{0} 张工单超过确认阈值（{1}）{2}：确认请加 --yes；未发送任何修改", "{0} tickets is above the confirmation threshold ({1}){2}: pass --yes to go ahead; nothing was sent";
    ScriptNoTerminal => "，且没有终端可询问", " and there is no terminal to ask";
    ScriptTypeCount => "输入 {0} 以修改 {0} 张工单：", "Type {0} to change {0} tickets: ";
    ScriptNotConfirmed => "，未确认", ", not confirmed";
    ScriptStoppedBy => "收到 {0}，之后没有再发送", "stopped by {0}: nothing was sent after it";
    ScriptRun => "批次 {0}", "run {0}";
    ScriptChecking => "检查中断时发送中的 {0} 张工单…", "checking {0} tickets that were in flight…";
    ScriptAuthRefused => "服务器拒绝了登录凭据（401）：{0} 张未发送，其余也停止发送；更正密码后用 gongdan resume {1} 继续", "the server refused the credentials (401): {0} tickets not sent and nothing more sent; fix the password, then gongdan resume {1}";
    ScriptCallFailed => "第 {0} 次调用失败（{1} 张）：{2}", "call {0} failed ({1} tickets): {2}";
    ScriptRunSummary => "批次 {0}：{1}", "run {0}: {1}";
    ScriptFailed => "失败", "failed";
    ScriptNotSent => "未发送", "not sent";
    ScriptUnknown => "结果未知（继续运行时核对）", "outcome unknown (resume checks them)";
    ScriptChanged => "预览后已变更，未处理", "changed since the preview, left alone";
    ScriptTakenAsSent => "回复视为已发送（工单在此期间有变动，如不确定请检查）", "reply taken as sent (the ticket changed meanwhile; check if unsure)";
    ScriptUnsettled => "回复可能已发送也可能未发送：请检查工单 #{0}", "reply may or may not have been sent: check ticket #{0}";
    ScriptResumeWith => "继续：gongdan resume {0}", "finish with: gongdan resume {0}";
    ScriptRetryWith => "重试失败的工单：gongdan retry {0}", "retry the failed tickets with: gongdan retry {0}";
    ScriptUnreadable => "无法读取，未发送（{0}）", "could not be read, not sent ({0})";
    ScriptDryRun => "（试运行：未发送任何修改）", "(dry run: nothing was sent)";
    ScriptNotFound => "工单不存在", "ticket not found";
    ScriptUndoWith => "撤销：gongdan undo {0}", "undo with: gongdan undo {0}";
    // The script commands' diagnostics and usage errors (worded by `words::script`).
    ScriptNotScriptCommand => "不是脚本命令", "not a script command";
    ScriptNoIds => "没有给出工单编号", "no ticket ids given";
    ScriptNoIdsOnStdin => "标准输入中没有工单编号：无需处理", "no ticket ids on standard input: nothing to do";
    ScriptIdsAndReplyStdin => "工单编号和回复不能都从标准输入读取", "ids and the reply cannot both come from standard input";
    ScriptReplyEmpty => "回复为空", "the reply is empty";
    ScriptNoSnippet => "没有名为“{0}”的常用回复（已有：{1}）", "no canned reply named \"{0}\" (there are: {1})";
    ScriptNoSnippets => "无；在配置的 [[snippets]] 或 snippets/ 文件夹里添加", "none; add [[snippets]] to the config or files to the snippets/ folder";
    ScriptSnippetUnfilled => "常用回复“{0}”的 {1} 无法填写（未知，或各工单不同：请一次给一张工单），未发送", "canned reply \"{0}\": {1} cannot be filled (not known, or it differs between the tickets given: give one ticket at a time); nothing sent";
    ScriptNothingToChange => "没有要修改的内容：请给出 --status、--priority、--type、--assignee、--group、--tag-add、--tag-remove、--field 或 --reply", "nothing to change: give --status, --priority, --type, --assignee, --group, --tag-add, --tag-remove, --field or --reply";
    ScriptLeftOutUnreadable => "无法读取，已排除：{0}", "left out, could not be read: {0}";
    ScriptNothingSent => "未发送任何修改", "nothing was sent";
    ScriptNotFoundIds => "工单不存在：{0}", "not found: {0}";
    ScriptNotInStore => "本地存储中没有：{0}", "not in the local store: {0}";
    ScriptNoneFound => "所有工单都不存在；未发送任何修改", "none of the tickets was found; nothing was sent";
    ScriptAnswerUnreadable => "服务器的回应无法读取", "the server's answer could not be read";
    ScriptTicketUnreadable => "无法读取工单 {0}：{1}：{2}", "could not read ticket {0}: {1}: {2}";
    ScriptTicketUnreadableNoId => "无法读取一张工单（没有可读的编号）：{0}：{1}", "could not read a ticket (no readable id): {0}: {1}";
    ScriptFieldUnreadable => "工单 {0}：无法读取 {1}：{2}（显示为未知）", "ticket {0}: could not read {1}: {2} (printed as unknown)";
    ScriptShownOfCount => "已显示 {0}/{1} 张{2}；加 --all 显示所有页", "{0} of {1} shown{2}; --all for every page";
    ScriptShownMore => "已显示 {0} 张{1}，还有更多；加 --all 显示所有页", "{0} shown{1}, more exist; --all for every page";
    ScriptShownPage => "（第 {0} 页）", " (page {0})";
    ScriptNotInOutput => "{1} 张工单中有 {0} 张无法读取，未输出{2}", "{0} of {1} tickets could not be read and are not in the output{2}";
    ScriptNotInOutputIds => "：{0}", ": {0}";
    ScriptWithoutId => "（其中 {0} 张没有可读的编号）", " ({0} without a readable id)";
    ScriptNotTicketObject => "{0}：不是工单对象：{1}", "{0}: not a ticket object: {1}";
    ScriptNeedsSubject => "新工单需要 --subject", "a new ticket needs --subject";
    ScriptNeedsMessage => "新工单需要 --message 或 --message-file", "a new ticket needs --message or --message-file";
    ScriptWarning => "警告：{0}", "warning: {0}";
    ScriptRunsRemoved => "已删除 {0} 个批次", "{0} run(s) removed";
    // The script table's headers.
    ScriptColStatus => "状态", "STATUS";
    ScriptColPriority => "优先级", "PRIORITY";
    ScriptColUpdated => "更新时间", "UPDATED";
    ScriptColSubject => "标题", "SUBJECT";
    // The script commands' refusals of a value given (`{0}` the flag, the value quoted).
    ScriptNotAnId => "不是工单编号：{0}", "not a ticket id: {0}";
    ScriptNotJsonLine => "不是 JSON 工单行（{0}）：{1}", "not a JSON ticket line ({0}): {1}";
    ScriptJsonLineNoId => "JSON 工单行中没有编号：{0}", "a JSON ticket line without an id: {0}";
    ScriptUnknownValue => "{0}：未知的值 {1}（可用：{2}）", "{0}: unknown value {1} (known: {2})";
    ScriptUnknownCode => "{0}：{1} 不是已知的代码", "{0}: {1} is not a known code";
    ScriptNoAgent => "--assignee：没有名为 {0} 的客服", "--assignee: no agent named {0}";
    ScriptSeveralAgents => "--assignee：有多个客服名为 {0}（编号 {1}）：请给出编号", "--assignee: several agents are named {0} (ids {1}): give the id";
    ScriptNoGroup => "--group：没有名为 {0} 的客服组", "--group: no group named {0}";
    ScriptSeveralGroups => "--group：有多个客服组名为 {0}（编号 {1}）：请给出编号", "--group: several groups are named {0} (ids {1}): give the id";
    ScriptFieldNoEquals => "--field：应为 KEY=VALUE，实际是 {0}", "--field: expected KEY=VALUE, got {0}";
    ScriptFieldNoKey => "--field：{0} 中没有字段名", "--field: no key in {0}";
    ScriptFieldUnknown => "--field：没有工单字段 {0}；自定义字段有：{1}；内置字段有各自的参数：--status、--priority、--type、--assignee、--group、--tag-add 和 --tag-remove（update）、--tag（create）", "--field: no ticket field {0}; the custom fields are: {1}; the built-in fields have their own flags: --status, --priority, --type, --assignee, --group, --tag-add and --tag-remove (update), --tag (create)";
    ScriptFieldsNone => "此服务器上没有", "none on this server";
    // What a script command could not read (`{0}` the thing, `{1}` where, then why).
    ScriptCannotReadIds => "无法从标准输入读取工单编号：{0}", "cannot read ids from standard input: {0}";
    ScriptCannotRead => "无法读取{0}：{1}", "cannot read the {0}: {1}";
    ScriptCannotReadFile => "无法读取{0} {1}：{2}", "cannot read the {0} {1}: {2}";
    ScriptTheReply => "回复", "reply";
    ScriptTheMessage => "工单内容", "message";
    ScriptTheTicketFile => "工单文件", "ticket file";
    ScriptCannotReadAnswer => "无法读取输入的回答：{0}", "cannot read the answer: {0}";
    // The run's progress bar on a terminal, after `[####....] 120/300`.
    ScriptBarFailed => "  {0} 张失败", "  {0} failed";
    ScriptBarLeft => "  约剩 {0} 秒", "  ~{0} s left";
    ScriptManInto => "无法把手册页写入 {0}：{1}", "cannot write the man pages into {0}: {1}";
    ScriptReadFailed => "读取失败：{0}", "reading failed: {0}";
    // A signal that stopped a command: before its run, or with calls of the run unanswered.
    ScriptStoppedNothingSent => "收到 {0}，已停止：未发送任何修改", "stopped by {0}: nothing was sent";
    ScriptStoppedInDoubt => "收到 {0}，已停止：之后没有再发出请求；批次 {1} 中仍未得到回应的请求结果未知；继续：gongdan resume {1}（会先核对这些工单）", "stopped by {0}: no call went out after it; calls of run {1} still unanswered are in doubt; finish with: gongdan resume {1} (it checks those tickets first)";
    // `gongdan cache status|sync|clear` and the local store's errors (`words::store`).
    CacheOff => "此配置未启用本地缓存（cache = false）", "the local cache is off for this profile (cache = false)";
    CacheStatusPath => "路径：{0}", "path: {0}";
    CacheStatusNone => "（还没有：gongdan cache sync 会建立）", "(none yet: gongdan cache sync makes it)";
    CacheStatusSize => "磁盘占用：{0} 字节", "size on disk: {0} bytes";
    CacheStatusTickets => "工单：{0}（其中 {1} 张只有搜索结果的字段）", "tickets: {0} ({1} partial: search results only)";
    CacheStatusLastSync => "上次同步：{0}", "last sync: {0}";
    CacheStatusCursor => "游标：{0}（经由{1}）", "cursor: {0} (through {1})";
    CacheStatusFull => "全量同步进行中：{0}/{1} 页", "full sync under way: {0}/{1} pages";
    CacheNever => "从未", "never";
    CacheScopeList => "列表", "the list";
    CacheScopeSearch => "搜索", "searches";
    CacheProgress => "全量同步：{0}/{1} 页", "full sync: {0}/{1} pages";
    CacheSynced => "已同步：有变化的工单 {0}，请求 {1}，用时 {2}", "synced: tickets changed: {0}, requests: {1}, time: {2}";
    CacheRemoved => "已删除 {0}", "removed {0}";
    CacheNothingRemoved => "没有缓存文件可删除（{0}）", "no cache files to remove ({0})";
    CacheSetAside => "本地缓存无法使用（{0}）：已移到 {1}，并新建了一个", "the local cache could not be used ({0}): moved to {1}, a fresh one made";
    StoreErrIo => "本地缓存 {0} 无法使用：{1}", "the local cache at {0} cannot be used: {1}";
    StoreErrSqlite => "本地缓存出错：{0}", "the local cache failed: {0}";
    StoreAsideDamaged => "文件已损坏：{0}", "damaged: {0}";
    StoreAsideCheck => "完整性检查未通过：{0}", "it failed its check: {0}";
    StoreAsideNewer => "由更新的版本写入（结构版本 {0}）", "written by a newer version (schema {0})";
    // Words around the values of `config check` (the values and sources stay as they are).
    SrcDefaultProfile => "{0}（default_profile）", "{0} (default_profile)";
    SrcOnlyProfile => "{0}（唯一的配置）", "{0} (the only profile)";
    SrcFlagsAlone => "（无：只用命令行参数）", "(none: flags alone)";
    SrcUnusable => "（不可用）", "(unusable)";
    SrcNone => "（无）", "(none)";
    SrcSecretFrom => "<secret> 来自 `{0}`", "<secret> from `{0}`";
    SrcKeyringOrPrompt => "（系统钥匙串里的 \"{0}\" / \"{1}\"，若有；否则在终端里启动时询问）", "(the OS keyring's entry \"{0}\" / \"{1}\" if it has one, else asked at start, if on a terminal)";
    SrcPrompt => "（在终端里启动时询问）", "(asked at start, if on a terminal)";
    SrcBuiltInViews => "（仅内置视图）", "(built-in only)";
    SrcNoSla => "（未设置）", "(none)";
    SrcDefaultKeys => "（默认按键；在控制台里按 ? 查看）", "(the defaults; see ? in the console)";
    SrcDefaultTheme => "（默认）", "(the default)";
    CfgPromptFor => "{1} 在 {2} 的{0}：", "{0} for {1} at {2}: ";
    CliErrServer => "服务器出错（HTTP {0}）", "Server error (HTTP {0})";
    CliErrNetwork => "网络错误：{0}", "Network error: {0}";
    CfgCredEnv => "环境变量 {0}", "environment variable {0}";
    CfgCredFile => "配置文件里的 `password`", "`password` in the config file";
    CfgCredCommand => "password_command `{0}`", "password_command `{0}`";
    CfgCredKeyring => "系统钥匙串（服务 \"{0}\"，用户 \"{1}\"）", "the OS keyring (service \"{0}\", user \"{1}\")";
    CfgCredPrompt => "在提示处输入", "typed at the prompt";
}

/// A message with its arguments, worded only when shown, so that one error reads in
/// either language. `suggestion` fills the message's `{s}` ("did you mean ...").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worded {
    pub(crate) msg: Msg,
    pub(crate) args: Vec<String>,
    pub(crate) suggestion: Option<String>,
}

impl Worded {
    pub(crate) fn new(msg: Msg, args: &[&str]) -> Worded {
        Worded {
            msg,
            args: args.iter().map(|arg| arg.to_string()).collect(),
            suggestion: None,
        }
    }

    pub(crate) fn suggest(mut self, suggestion: Option<&str>) -> Worded {
        self.suggestion = suggestion.map(str::to_string);
        self
    }

    pub(crate) fn text(&self, lang: Lang) -> String {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let hint = self
            .suggestion
            .as_deref()
            .map(|name| fill(lang, Msg::DidYouMeanQuoted, &[name]))
            .unwrap_or_default();
        substitute(self.msg.text(lang), |name| match name {
            "s" => Some(hint.as_str()),
            index => index
                .parse::<usize>()
                .ok()
                .and_then(|i| args.get(i).copied()),
        })
    }
}

impl std::fmt::Display for Worded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// Fills `{0}`, `{1}`, ... in a message.
///
/// In one pass over the table's text: an argument is put in as it is and never read again,
/// so a subject or a name from the server that contains `{3}` is shown as sent, not
/// filled with the fourth argument.
pub(crate) fn fill(lang: Lang, msg: Msg, args: &[&str]) -> String {
    substitute(msg.text(lang), |name| {
        name.parse::<usize>()
            .ok()
            .and_then(|i| args.get(i).copied())
    })
}

/// As [`fill`], with the table's own `{key:..}` references named by `keys` (the live key
/// map's labels) before any argument is put in, so an argument is never read for them.
pub(crate) fn fill_keyed(
    lang: Lang,
    msg: Msg,
    args: &[&str],
    keys: &dyn Fn(&str) -> String,
) -> String {
    fill_text(&keys(msg.text(lang)), args)
}

/// Fills `{0}`, `{1}`, ... in a table text the caller already changed (its `{key:..}`
/// named from the key map, say), in the same one pass as [`fill`].
pub(crate) fn fill_text(template: &str, args: &[&str]) -> String {
    substitute(template, |name| {
        name.parse::<usize>()
            .ok()
            .and_then(|i| args.get(i).copied())
    })
}

/// Replaces each `{name}` of `template` for which `value` has one; any other brace stays.
fn substitute<'a>(template: &str, value: impl Fn(&str) -> Option<&'a str>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find(['}', '{']) {
            Some(end) if after.as_bytes()[end] == b'}' => match value(&after[..end]) {
                Some(text) => {
                    out.push_str(text);
                    rest = &after[end + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            },
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A copy-menu entry's name; a custom field by `field_name` (its definition's name, else its
/// key).
pub(crate) fn copy_label(
    lang: Lang,
    item: &crate::app::copy::CopyItem,
    field_name: Option<&str>,
) -> String {
    use crate::app::copy::CopyItem;
    let msg = match item {
        CopyItem::Id => Msg::CopyId,
        CopyItem::Subject => Msg::CopySubject,
        CopyItem::Phone => Msg::CopyPhone,
        CopyItem::Email => Msg::CopyEmail,
        CopyItem::Description => Msg::CopyDescription,
        CopyItem::Field(key) => return field_name.unwrap_or(key).to_string(),
        CopyItem::Fields => Msg::CopyFields,
        CopyItem::WebLink => Msg::CopyWebLink,
        CopyItem::ApiUrl => Msg::CopyApiUrl,
    };
    msg.text(lang).to_string()
}

pub fn status_label(lang: Lang, status: TicketStatus) -> String {
    match (lang, status) {
        (Lang::Zh, TicketStatus::Unknown(code)) => format!("未知({code})"),
        (Lang::En, TicketStatus::Unknown(code)) => format!("unknown({code})"),
        (Lang::Zh, status) => status.label_zh().to_string(),
        (Lang::En, status) => status.label_en().to_string(),
    }
}

pub fn priority_label(lang: Lang, priority: Priority) -> String {
    match (lang, priority) {
        (Lang::Zh, Priority::Unknown(code)) => format!("未知({code})"),
        (Lang::En, Priority::Unknown(code)) => format!("unknown({code})"),
        (Lang::Zh, priority) => priority.label_zh().to_string(),
        (Lang::En, priority) => priority.label_en().to_string(),
    }
}

pub(crate) fn type_label(lang: Lang, kind: TicketType) -> String {
    match (lang, kind) {
        (Lang::Zh, TicketType::Unknown(code)) => format!("未知({code})"),
        (Lang::En, TicketType::Unknown(code)) => format!("unknown({code})"),
        (Lang::Zh, kind) => kind.label_zh().to_string(),
        (Lang::En, kind) => kind.label_en().to_string(),
    }
}

pub(crate) fn source_label(lang: Lang, source: TicketSource) -> String {
    match (lang, source) {
        (Lang::Zh, TicketSource::Unknown(code)) => format!("未知({code})"),
        (Lang::En, TicketSource::Unknown(code)) => format!("unknown({code})"),
        (Lang::Zh, source) => source.label_zh().to_string(),
        (Lang::En, source) => source.label_en().to_string(),
    }
}

/// A network failure in the UI language (the error's own Display is English, for logs and
/// scripts); an unclassified one keeps the system's words.
fn network_error(lang: Lang, error: &NetworkError) -> String {
    match error {
        NetworkError::Timeout => Msg::NetTimeout.text(lang).to_string(),
        NetworkError::ConnectionReset => Msg::NetReset.text(lang).to_string(),
        NetworkError::ConnectionRefused => Msg::NetRefused.text(lang).to_string(),
        NetworkError::Dns(host) => fill(lang, Msg::NetDns, &[host]),
        NetworkError::Other(what) => what.clone(),
    }
}

/// An API error in plain words in the UI language.
pub fn api_error(lang: Lang, error: &ApiError) -> String {
    // Error texts carry server words (reported messages, decode errors quoting the body):
    // cleaned again here, on one line, whatever their way in.
    crate::text::clean_line(&api_error_raw(lang, error, &|text| text.to_string()))
}

/// As [`api_error`], with the table's `{key:..}` references named by `keys` (see
/// [`fill_keyed`]): what the console shows.
pub(crate) fn api_error_keyed(
    lang: Lang,
    error: &ApiError,
    keys: &dyn Fn(&str) -> String,
) -> String {
    crate::text::clean_line(&api_error_raw(lang, error, keys))
}

fn api_error_raw(lang: Lang, error: &ApiError, keys: &dyn Fn(&str) -> String) -> String {
    let say = |msg: Msg, args: &[&str]| fill_text(&keys(msg.text(lang)), args);
    match error {
        ApiError::BadCredentials => say(Msg::ErrBadCredentials, &[]),
        ApiError::Forbidden(_) => say(Msg::ErrForbidden, &[]),
        ApiError::NotFound(_) => say(Msg::ErrNotFound, &[]),
        ApiError::InvalidValue(value) => say(Msg::ErrInvalid, &[value]),
        ApiError::RateLimited { .. } => say(Msg::ErrRateLimited, &[]),
        ApiError::Server { status, .. } => say(Msg::ErrServer, &[&status.to_string()]),
        ApiError::Reported { message, .. } => say(Msg::ErrReported, &[message]),
        ApiError::Network(NetworkError::Timeout) => say(Msg::ErrTimeout, &[]),
        ApiError::Network(other) => say(Msg::ErrNetwork, &[&network_error(lang, other)]),
        ApiError::Decode { message, .. } => say(Msg::ErrDecode, &[message]),
        ApiError::Query(query) => query_error(lang, query),
        ApiError::Config(what) => say(Msg::ErrConfig, &[what]),
        ApiError::Redirected(target) => say(Msg::ErrRedirected, &[target]),
    }
}

/// An API error in plain words for a command line (`gongdan config check`): as
/// [`api_error`], without the console's "press R to retry".
pub(crate) fn api_error_for_cli(lang: Lang, error: &ApiError) -> String {
    let text = match error {
        ApiError::Server { status, .. } => fill(lang, Msg::CliErrServer, &[&status.to_string()]),
        ApiError::Network(NetworkError::Timeout) => Msg::NetTimeout.text(lang).to_string(),
        ApiError::Network(other) => fill(lang, Msg::CliErrNetwork, &[&network_error(lang, other)]),
        other => api_error_raw(lang, other, &|text| text.to_string()),
    };
    crate::text::clean_line(&text)
}

/// Why a bulk command failed, in the UI language (the engine's own words are English, for
/// scripts, and stay so).
pub(crate) fn bulk_failure(lang: Lang, failure: &crate::app::bulk_edit::BulkFailure) -> String {
    bulk_failure_keyed(lang, failure, &|text| text.to_string())
}

/// [`bulk_failure`] with `keys` run over the table's text only (see [`api_error_keyed`]).
pub(crate) fn bulk_failure_keyed(
    lang: Lang,
    failure: &crate::app::bulk_edit::BulkFailure,
    keys: &dyn Fn(&str) -> String,
) -> String {
    use crate::app::bulk_edit::BulkFailure;
    use crate::bulk::UndoRefusal;
    let say = |msg: Msg, args: &[&str]| fill_text(&keys(msg.text(lang)), args);
    match failure {
        BulkFailure::Api(api) => api_error_keyed(lang, api, keys),
        BulkFailure::NoJournal => say(Msg::BulkNoJournal, &[]),
        BulkFailure::NothingToUndo(UndoRefusal::ReplyOnly) => say(Msg::BulkUndoReplyOnly, &[]),
        BulkFailure::NothingToUndo(UndoRefusal::AlreadyUndone { run_id, by }) => {
            say(Msg::BulkUndoAlreadyUndone, &[run_id, by])
        }
        BulkFailure::Engine(words) => words.clone(),
    }
}

/// Why a search line was refused, in the UI language.
pub(crate) fn query_error(lang: Lang, error: &QueryError) -> String {
    match error {
        QueryError::SpaceInValue(value) => fill(lang, Msg::QuerySpace, &[value]),
        QueryError::EmptyValue => Msg::QueryEmpty.text(lang).to_string(),
        QueryError::BadDate(value) => fill(lang, Msg::QueryBadDate, &[value]),
        QueryError::BadField(value) => fill(lang, Msg::QueryBadField, &[value]),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_languages() {
        for msg in Msg::ALL {
            assert!(!msg.text(Lang::Zh).is_empty(), "{msg:?} zh");
            assert!(!msg.text(Lang::En).is_empty(), "{msg:?} en");
        }
    }

    #[test]
    fn network_errors_are_in_the_ui_language() {
        let refused = ApiError::Network(NetworkError::ConnectionRefused);
        assert_eq!(
            api_error(Lang::Zh, &refused),
            "网络错误：服务器拒绝连接，按 {key:list.reload} 重试"
        );
        assert_eq!(
            api_error(Lang::En, &refused),
            "Network error: the server refused the connection; press {key:list.reload} to retry"
        );
        let dns = ApiError::Network(NetworkError::Dns("helpdesk.example".into()));
        assert!(api_error(Lang::Zh, &dns).contains("找不到主机 helpdesk.example"));
    }

    #[test]
    fn command_line_errors_name_no_console_key() {
        let dns = ApiError::Network(NetworkError::Dns("helpdesk.example".into()));
        assert_eq!(
            api_error_for_cli(Lang::Zh, &dns),
            "网络错误：找不到主机 helpdesk.example"
        );
        assert_eq!(
            api_error_for_cli(Lang::En, &dns),
            "Network error: could not find the host helpdesk.example"
        );
        for error in [
            ApiError::Network(NetworkError::Timeout),
            ApiError::Server {
                status: 502,
                excerpt: None,
            },
            ApiError::BadCredentials,
        ] {
            for lang in [Lang::Zh, Lang::En] {
                let text = api_error_for_cli(lang, &error);
                assert!(!text.contains("{key:"), "{text}");
            }
        }
        assert!(api_error_for_cli(Lang::Zh, &ApiError::BadCredentials).contains("HTTP 401"));
    }

    #[test]
    fn undo_refusals_are_in_the_ui_language() {
        use crate::app::bulk_edit::BulkFailure;
        use crate::bulk::UndoRefusal;
        let reply = BulkFailure::NothingToUndo(UndoRefusal::ReplyOnly);
        assert_eq!(
            bulk_failure(Lang::Zh, &reply),
            "没有可撤销的：这一批次只发了回复，回复不能撤回"
        );
        let undone = BulkFailure::NothingToUndo(UndoRefusal::AlreadyUndone {
            run_id: "a".into(),
            by: "b".into(),
        });
        assert_eq!(
            bulk_failure(Lang::En, &undone),
            "Nothing to undo: run a was already undone by run b"
        );
        let journal = crate::bulk::BulkError::NothingToUndo(UndoRefusal::ReplyOnly);
        assert_eq!(BulkFailure::from(journal), reply);
    }

    #[test]
    fn fill_replaces_placeholders() {
        assert_eq!(fill(Lang::En, Msg::MinutesAgo, &["3"]), "3m ago");
        assert_eq!(fill(Lang::Zh, Msg::MinutesAgo, &["3"]), "3分钟前");
    }

    #[test]
    fn fill_puts_arguments_in_as_sent() {
        // A subject quoted in the first argument names a later placeholder: it stays.
        let text = fill(
            Lang::En,
            Msg::StatusChangeFailed,
            &["12", "server says {3} {0}", "why", "open"],
        );
        assert_eq!(
            text,
            "#12 could not be set to server says {3} {0}: why; back to open"
        );
        // Placeholders the message does not have, or an unmatched brace, stay as written.
        assert_eq!(fill(Lang::En, Msg::MinutesAgo, &[]), "{0}m ago");
        assert_eq!(fill(Lang::En, Msg::MinutesAgo, &["{x"]), "{xm ago");
        let worded = Worded::new(Msg::MinutesAgo, &["{s} {0}"]);
        assert_eq!(worded.text(Lang::En), "{s} {0}m ago");
    }
}
