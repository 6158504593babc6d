//! The vendor's enum tables: codes and Chinese labels, and reading a value sent by a client.

use serde_json::Value;

pub(crate) const STATUS: &[(i64, &str)] = &[
    (1, "新建"),
    (2, "已开启"),
    (3, "待回应"),
    (4, "已解决"),
    (5, "自动关闭"),
    (6, "手动关闭"),
];
pub(crate) const PRIORITY: &[(i64, &str)] = &[(1, "低"), (2, "正常"), (3, "高"), (4, "紧急")];
pub(crate) const TYPE: &[(i64, &str)] = &[(1, "问题"), (2, "事务"), (3, "故障"), (4, "任务")];
pub(crate) const SOURCE: &[(i64, &str)] = &[
    (1, "远程"),
    (2, "聊天"),
    (3, "呼叫中心"),
    (4, "留言"),
    (5, "系统创建"),
    (7, "API"),
    (8, "工单模板发布"),
    (9, "邮件接入"),
];

/// The table of an enum field, by its wire name (search also takes short aliases).
pub(crate) fn table(key: &str) -> Option<&'static [(i64, &'static str)]> {
    match key {
        "ticketStatus" | "status" => Some(STATUS),
        "priorityLevel" | "priority" => Some(PRIORITY),
        "ticketType" | "type" => Some(TYPE),
        "ticketSource" | "source" => Some(SOURCE),
        _ => None,
    }
}

/// Reads an enum value as clients send it: an int, a numeric string or the Chinese label
/// (已关闭, the UI's name for both closed states, reads as 6). `None` if it is none of the
/// table's values.
pub(crate) fn code(table: &[(i64, &str)], value: &Value) -> Option<i64> {
    let code = match value {
        Value::Number(number) => number.as_i64()?,
        Value::String(text) => {
            let text = text.trim();
            match text.parse::<i64>() {
                Ok(code) => code,
                Err(_) if text == "已关闭" && table == STATUS => 6,
                Err(_) => table.iter().find(|(_, label)| *label == text)?.0,
            }
        }
        _ => return None,
    };
    table
        .iter()
        .any(|(known, _)| *known == code)
        .then_some(code)
}

pub(crate) fn label(table: &[(i64, &'static str)], code: i64) -> Option<&'static str> {
    table
        .iter()
        .find(|(known, _)| *known == code)
        .map(|(_, label)| *label)
}
