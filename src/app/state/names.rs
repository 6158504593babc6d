//! The names of contacts, companies and groups, cached for the session: their state, age
//! and the screen's names waiting to be drawn together.

use super::*;

/// A lookup's state in the cache.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup<T> {
    Pending,
    Ready(T),
    /// Failed or forbidden: show the id.
    Failed,
}

impl<T> Lookup<T> {
    pub(crate) fn ready(&self) -> Option<&T> {
        match self {
            Lookup::Ready(value) => Some(value),
            _ => None,
        }
    }
}

/// Names for ids, cached for the session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lookups {
    pub agents: HashMap<u64, Lookup<String>>,
    pub(crate) groups: HashMap<u64, Lookup<String>>,
    pub(crate) contacts: HashMap<u64, Lookup<Contact>>,
    pub(crate) companies: HashMap<u64, Lookup<String>>,
    pub field_defs: Option<Lookup<Vec<FieldDef>>>,
    pub(crate) agents_list: Option<Lookup<()>>,
    /// Template names by id, from one call for all of them.
    pub(crate) templates: HashMap<u64, String>,
    pub(crate) templates_list: Option<Lookup<()>>,
    /// Group ids of the agents (from the agents list), for picking a group by name.
    pub(crate) agent_groups: std::collections::BTreeSet<u64>,
    /// Lookups in flight, by request id.
    pub(crate) in_flight: HashMap<RequestId, LookupKey>,
    /// Since when a name on screen has come in but is not drawn yet, because others on
    /// screen are still on their way: the screen is redrawn once they all are in, or at
    /// the first tick [`NAMES_DEADLINE_MS`] after this, never once a name.
    pub(crate) undrawn_since: Option<chrono::NaiveDateTime>,
    /// When each contact, company and group name was last answered by the server (names
    /// read from the lookup cache keep their age), so an old one is asked again.
    pub(crate) learned: HashMap<LookupKey, chrono::NaiveDateTime>,
    /// Names asked again this session because they were old: never twice.
    pub(crate) refreshed: std::collections::HashSet<LookupKey>,
    /// The signed-in agent: the agent of the agents list whose e-mail is the login
    /// (`None` until it is in, and for a login it does not name, a token's say).
    pub me: Option<u64>,
}

/// A cached name older than this is shown, and asked again in the background when shown.
pub(crate) const NAMES_REFRESH_AFTER_HOURS: i64 = 24;

/// A name kept across starts (see `crate::lookup_cache`).
#[derive(Debug, Clone, PartialEq)]
pub enum CachedName {
    Contact(Contact),
    Company {
        id: u64,
        name: String,
    },
    Group {
        id: u64,
        name: String,
    },
    /// An agent's name: rows painted from the store (or offline) name their assignee
    /// before, or without, the agents list.
    Agent {
        id: u64,
        name: String,
    },
}

/// How long names that came in wait for the rest of the screen's before they are drawn.
pub(crate) const NAMES_DEADLINE_MS: i64 = 300;

impl Lookups {
    /// Names read from the cache, each with when the server last gave it. Names already
    /// known this session win.
    pub fn seed(&mut self, names: Vec<(CachedName, chrono::NaiveDateTime)>) {
        for (name, at) in names {
            let key = match name {
                CachedName::Contact(contact) => {
                    let key = LookupKey::Contact(contact.id);
                    if self.contacts.contains_key(&contact.id) {
                        continue;
                    }
                    self.contacts.insert(contact.id, Lookup::Ready(contact));
                    key
                }
                CachedName::Company { id, name } => {
                    if self.companies.contains_key(&id) {
                        continue;
                    }
                    self.companies.insert(id, Lookup::Ready(name));
                    LookupKey::Company(id)
                }
                CachedName::Group { id, name } => {
                    if self.groups.contains_key(&id) {
                        continue;
                    }
                    self.groups.insert(id, Lookup::Ready(name));
                    LookupKey::Group(id)
                }
                CachedName::Agent { id, name } => {
                    if self.agents.contains_key(&id) {
                        continue;
                    }
                    self.agents.insert(id, Lookup::Ready(name));
                    LookupKey::Agent(id)
                }
            };
            self.learned.insert(key, at);
        }
    }

    /// The names worth keeping across starts, each with when the server gave it.
    pub fn to_keep(&self) -> Vec<(CachedName, chrono::NaiveDateTime)> {
        let at = |key: LookupKey| self.learned.get(&key).copied();
        let contacts = self.contacts.iter().filter_map(|(id, found)| {
            let contact = found.ready()?.clone();
            Some((CachedName::Contact(contact), at(LookupKey::Contact(*id))?))
        });
        let companies = self.companies.iter().filter_map(|(id, found)| {
            let name = found.ready()?.clone();
            Some((
                CachedName::Company { id: *id, name },
                at(LookupKey::Company(*id))?,
            ))
        });
        let groups = self.groups.iter().filter_map(|(id, found)| {
            let name = found.ready()?.clone();
            Some((
                CachedName::Group { id: *id, name },
                at(LookupKey::Group(*id))?,
            ))
        });
        let agents = self.agents.iter().filter_map(|(id, found)| {
            let name = found.ready()?.clone();
            Some((
                CachedName::Agent { id: *id, name },
                at(LookupKey::Agent(*id))?,
            ))
        });
        contacts
            .chain(companies)
            .chain(groups)
            .chain(agents)
            .collect()
    }

    /// Whether the answer for `key` is still on its way.
    pub(crate) fn is_pending(&self, key: LookupKey) -> bool {
        let pending = |found: Option<bool>| found.unwrap_or(false);
        match key {
            LookupKey::Agents => matches!(self.agents_list, Some(Lookup::Pending)),
            LookupKey::FieldDefs => matches!(self.field_defs, Some(Lookup::Pending)),
            LookupKey::Templates => matches!(self.templates_list, Some(Lookup::Pending)),
            // The agents list answers these while it is on its way.
            LookupKey::Agent(id) => match self.agents.get(&id) {
                Some(found) => matches!(found, Lookup::Pending),
                None => matches!(self.agents_list, Some(Lookup::Pending)),
            },
            LookupKey::Group(id) => {
                pending(self.groups.get(&id).map(|l| matches!(l, Lookup::Pending)))
            }
            LookupKey::Contact(id) => {
                pending(self.contacts.get(&id).map(|l| matches!(l, Lookup::Pending)))
            }
            LookupKey::Company(id) => pending(
                self.companies
                    .get(&id)
                    .map(|l| matches!(l, Lookup::Pending)),
            ),
        }
    }

    pub(crate) fn agent_name(&self, id: u64) -> Option<&str> {
        self.agents.get(&id)?.ready().map(String::as_str)
    }
    pub(crate) fn group_name(&self, id: u64) -> Option<&str> {
        self.groups.get(&id)?.ready().map(String::as_str)
    }
    pub fn contact(&self, id: u64) -> Option<&Contact> {
        self.contacts.get(&id)?.ready()
    }
    pub(crate) fn template_name(&self, id: u64) -> Option<&str> {
        self.templates.get(&id).map(String::as_str)
    }
    pub(crate) fn company_name(&self, id: u64) -> Option<&str> {
        self.companies.get(&id)?.ready().map(String::as_str)
    }
    pub(crate) fn field_def(&self, key: &str) -> Option<&FieldDef> {
        self.field_defs
            .as_ref()?
            .ready()?
            .iter()
            .find(|def| def.key == key)
    }
}
