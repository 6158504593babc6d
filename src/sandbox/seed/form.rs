//! The custom fields the seed declares (`ticket_fields`), its ticket templates and the values
//! a seeded ticket fills them with: the vendor's form, apart from the people and tickets.

use chrono::{Duration as ChronoDuration, NaiveDateTime};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use serde_json::{Value, json};

use crate::sandbox::store::{FieldDef, FieldKind, Template};

pub(super) fn field_defs() -> Vec<FieldDef> {
    let text = |key: &str, name: &str, kind: FieldKind, required: bool| FieldDef {
        key: key.into(),
        name: name.into(),
        kind,
        required,
        options: Vec::new(),
        columns: Vec::new(),
    };
    let mut category = text("field_2", "问题分类", FieldKind::Dropdown, true);
    category.options = [
        (231, "账号登录"),
        (232, "支付问题"),
        (233, "发票"),
        (234, "硬件故障"),
        (235, "功能建议"),
        (236, "数据导出"),
    ]
    .iter()
    .map(|(id, label)| (*id, (*label).to_owned()))
    .collect();
    let mut products = text("cpxx", "产品信息", FieldKind::ProductTable, false);
    products.columns = [
        ("cpdm", "产品代码"),
        ("cpmc", "产品名称"),
        ("zjm", "助记码"),
        ("ggxh", "规格型号"),
    ]
    .iter()
    .map(|(key, name)| ((*key).to_owned(), (*name).to_owned()))
    .collect();
    let mut devices = text("field_9", "设备清单", FieldKind::Form, false);
    devices.columns = [("sbxh", "设备型号"), ("xlh", "序列号"), ("sl", "数量")]
        .iter()
        .map(|(key, name)| ((*key).to_owned(), (*name).to_owned()))
        .collect();
    vec![
        text("field_1", "订单编号", FieldKind::Text, false),
        category,
        text("field_3", "是否加急", FieldKind::Checkbox, false),
        text("field_4", "故障照片", FieldKind::Attachment, false),
        text("field_5", "影响用户数", FieldKind::Integer, false),
        text("field_6", "上门服务费", FieldKind::Payment, false),
        text("field_7", "期望解决日期", FieldKind::Date, false),
        text("field_8", "备注", FieldKind::MultiLine, false),
        devices,
        text("field_14", "客户编号", FieldKind::Integer, false),
        text("sfsk", "是否收款", FieldKind::Checkbox, false),
        products,
    ]
}

pub(super) fn templates() -> Vec<Template> {
    let template = |id: u64, name: &str, keys: &[&str]| Template {
        id,
        name: name.into(),
        field_keys: keys.iter().map(|key| (*key).to_owned()).collect(),
    };
    vec![
        template(
            1,
            "默认模板",
            &[
                "field_1", "field_2", "field_3", "field_5", "field_7", "field_8",
            ],
        ),
        template(
            2,
            "售后服务",
            &[
                "field_2", "field_4", "field_6", "field_14", "sfsk", "cpxx", "field_9",
            ],
        ),
        template(3, "投诉建议", &["field_2", "field_3", "field_8"]),
    ]
}

pub(super) fn custom_values(
    rng: &mut StdRng,
    template_id: u64,
    created: NaiveDateTime,
    products: &[Vec<&str>],
    files_url: &str,
) -> (Vec<Value>, Vec<Value>) {
    let mut fields = Vec::new();
    let mut tables = Vec::new();
    let templates = templates();
    let keys = templates
        .iter()
        .find(|template| template.id == template_id)
        .map(|template| template.field_keys.clone())
        .unwrap_or_default();
    for key in keys {
        // Some fields are left empty, as people do.
        if key != "field_2" && rng.random_bool(0.2) {
            continue;
        }
        let value = match key.as_str() {
            "field_1" => json!(format!(
                "DD{}{:06}",
                created.format("%Y%m"),
                rng.random_range(0..1_000_000)
            )),
            "field_2" => json!(rng.random_range(231..=236).to_string()),
            "field_3" | "sfsk" => json!(if rng.random_bool(0.3) { "1" } else { "0" }),
            "field_4" => {
                let count = rng.random_range(1..3);
                let urls: Vec<String> = (0..count)
                    .map(|_| format!("{files_url}/attach/{:08x}.jpg", rng.random::<u32>()))
                    .collect();
                json!(urls.join(","))
            }
            "field_5" => json!(rng.random_range(1..500).to_string()),
            "field_6" => {
                fields.push(json!({
                    "key": key,
                    "value": (rng.random_range(1..20) * 30).to_string(),
                    "pay_status": u8::from(rng.random_bool(0.6)),
                }));
                continue;
            }
            "field_7" => json!(
                (created.date() + ChronoDuration::days(rng.random_range(1..15)))
                    .format("%Y-%m-%d")
                    .to_string()
            ),
            "field_8" => json!("请在工作日 9:00-18:00 联系。"),
            "field_14" => json!(rng.random_range(10_000..20_000).to_string()),
            "cpxx" => {
                let rows: Vec<Value> = (0..rng.random_range(1..4))
                    .filter_map(|_| products.choose(rng))
                    .map(|row| {
                        json!({
                            "cpdm": row.first().copied().unwrap_or(""),
                            "cpmc": row.get(1).copied().unwrap_or(""),
                            "zjm": row.get(2).copied().unwrap_or(""),
                            "ggxh": row.get(3).copied().unwrap_or(""),
                        })
                    })
                    .collect();
                json!(rows)
            }
            "field_9" => {
                let rows: Vec<Value> = (0..rng.random_range(1..3))
                    .map(|_| {
                        let product = products.choose(rng).cloned().unwrap_or_default();
                        json!({
                            "sbxh": product.get(3).copied().unwrap_or(""),
                            "xlh": format!("SN{:010}", rng.random_range(0..10_000_000_000u64)),
                            "sl": rng.random_range(1..5).to_string(),
                        })
                    })
                    .collect();
                tables.push(json!({"custom_fields_key": key, "tableData": rows}));
                continue;
            }
            _ => continue,
        };
        fields.push(json!({"key": key, "value": value}));
    }
    (fields, tables)
}
