//! `tickets create`: a ticket from flags or a JSON file (the flags' names as keys).

use serde::Deserialize;
use serde_json::Value;

use super::args::CreateArgs;
use super::fields::{
    parse_priority, parse_status, parse_type, resolve_agent, resolve_fields, resolve_group,
};
use super::input::read_text;
use super::{io_error, writer};
use crate::api::Client;
use crate::api::model::{NewContact, NewTicket, Reply, TicketChange};
use crate::config::ResolveOptions;
use crate::lang::Lang;
use crate::script::{Exit, ScriptError, Settings};
use crate::words;
use crate::words::script::TextIn;

/// The JSON file of `tickets create --from-file`: the flags' names as keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateFile {
    subject: Option<String>,
    message: Option<String>,
    contact_id: Option<u64>,
    mobile: Option<String>,
    name: Option<String>,
    email: Option<String>,
    qq: Option<String>,
    status: Option<CodeOrName>,
    priority: Option<CodeOrName>,
    #[serde(rename = "type")]
    ticket_type: Option<CodeOrName>,
    assignee: Option<CodeOrName>,
    group: Option<CodeOrName>,
    template: Option<u64>,
    #[serde(default)]
    tags: Vec<String>,
    /// Key (or field name) to value.
    #[serde(default)]
    fields: serde_json::Map<String, Value>,
}

/// A value given as a number or as text.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum CodeOrName {
    Code(u64),
    Name(String),
}

impl CodeOrName {
    fn text(self) -> String {
        match self {
            CodeOrName::Code(code) => code.to_string(),
            CodeOrName::Name(name) => name,
        }
    }
}

pub(super) async fn create(
    args: CreateArgs,
    options: &ResolveOptions,
) -> Result<Exit, ScriptError> {
    // Until the settings are read, the locale's language.
    let early = options.locale;
    let file = read_file(&args, early)?;
    let given = Given::of(&args, file, early)?;
    let settings = Settings::load(options)?;
    let client = settings.client()?;
    let new = given.resolve(&client, settings.lang).await?;
    let created = client.create(&new).await?;
    let mut out = writer(&settings, &args.output);
    out.write(created.ticket).map_err(io_error)?;
    out.finish().map_err(io_error)?;
    Ok(Exit::Done)
}

/// `--from-file`'s ticket, or an empty one.
fn read_file(args: &CreateArgs, lang: Lang) -> Result<CreateFile, ScriptError> {
    let Some(path) = &args.from_file else {
        return Ok(CreateFile::default());
    };
    let text = read_text(path, TextIn::TicketFile, lang)?;
    serde_json::from_str(&text).map_err(|e| {
        let path = path.display().to_string();
        ScriptError::Usage(words::script::not_a_ticket_object(
            lang,
            &path,
            &e.to_string(),
        ))
    })
}

/// The new ticket as given, the flags over the file, before any name is looked up.
struct Given {
    subject: String,
    message: String,
    contact: Option<NewContact>,
    change: TicketChange,
    assignee: Option<String>,
    group: Option<String>,
    /// `KEY=VALUE`, the file's first.
    fields: Vec<String>,
}

impl Given {
    fn of(args: &CreateArgs, file: CreateFile, lang: Lang) -> Result<Given, ScriptError> {
        let subject = args
            .subject
            .clone()
            .or(file.subject)
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| ScriptError::Usage(words::script::needs_subject(lang)))?;
        let message = match (&args.message, &args.message_file) {
            (Some(text), _) => Some(text.clone()),
            (None, Some(path)) => Some(read_text(path, TextIn::Message, lang)?),
            (None, None) => file.message,
        }
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| ScriptError::Usage(words::script::needs_message(lang)))?;
        let mobile = args.mobile.clone().or(file.mobile);
        let contact = match (args.contact_id.or(file.contact_id), mobile) {
            (Some(id), _) => Some(NewContact::Id(id)),
            (None, Some(mobile)) => Some(NewContact::Details {
                mobile,
                name: args.name.clone().or(file.name),
                fixnumber: None,
                qq: args.qq.clone().or(file.qq),
                email: args.email.clone().or(file.email),
            }),
            (None, None) => None,
        };
        let text_of = |flag: &Option<String>, file: Option<CodeOrName>| {
            flag.clone().or_else(|| file.map(CodeOrName::text))
        };
        let status = text_of(&args.fields_set.status, file.status);
        let priority = text_of(&args.fields_set.priority, file.priority);
        let kind = text_of(&args.fields_set.ticket_type, file.ticket_type);
        let mut change = TicketChange {
            status: status
                .as_deref()
                .map(|t| parse_status(lang, t))
                .transpose()?,
            priority: priority
                .as_deref()
                .map(|t| parse_priority(lang, t))
                .transpose()?,
            ticket_type: kind.as_deref().map(|t| parse_type(lang, t)).transpose()?,
            template_id: args.template.or(file.template),
            ..TicketChange::default()
        };
        let mut tags = file.tags;
        tags.extend(args.tags.iter().cloned());
        if !tags.is_empty() {
            change.tags = Some(tags);
        }
        let mut fields: Vec<String> = file
            .fields
            .iter()
            .map(|(key, value)| match value {
                Value::String(text) => format!("{key}={text}"),
                other => format!("{key}={other}"),
            })
            .collect();
        fields.extend(args.fields.iter().cloned());
        Ok(Given {
            subject,
            message,
            contact,
            change,
            assignee: text_of(&args.fields_set.assignee, file.assignee),
            group: text_of(&args.fields_set.group, file.group),
            fields,
        })
    }

    /// The ticket to send, with the assignee, group and custom fields looked up by name.
    async fn resolve(self, client: &Client, lang: Lang) -> Result<NewTicket, ScriptError> {
        let mut change = self.change;
        if let Some(assignee) = &self.assignee {
            change.assignee_id = Some(resolve_agent(lang, client, assignee).await?);
        }
        if let Some(group) = &self.group {
            change.group_id = Some(resolve_group(lang, client, group).await?);
        }
        change.custom_fields = resolve_fields(lang, client, &self.fields).await?;
        Ok(NewTicket {
            subject: self.subject,
            reply: Reply {
                message: self.message,
                attachments: Vec::new(),
            },
            contact: self.contact,
            fields: change,
        })
    }
}
