//! The byte-level pieces of a packed ticket: LEB128 varints, zigzag integers, optional
//! values, dates, length-prefixed strings and id lists, written by [`Writer`] and read back
//! by [`Reader`]; apart from the ticket's field layout, which only calls them.

use chrono::{DateTime, NaiveDateTime, Timelike};

use crate::api::model::{IdField, TableRow};

pub(super) struct Writer(pub(super) Vec<u8>);

impl Writer {
    pub(super) fn byte(&mut self, byte: u8) {
        self.0.push(byte);
    }

    /// LEB128.
    pub(super) fn u64(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.0.push((n as u8 & 0x7F) | 0x80);
            n >>= 7;
        }
        self.0.push(n as u8);
    }

    /// Zigzag, then LEB128: small negative numbers stay short.
    pub(super) fn i64(&mut self, n: i64) {
        self.u64(((n << 1) ^ (n >> 63)) as u64);
    }

    /// 0 is `None`; ids are never `Some(u64::MAX)` in practice, but that is kept too.
    pub(super) fn opt_u64(&mut self, n: Option<u64>) {
        match n {
            None => self.byte(0),
            Some(n) => {
                self.byte(1);
                self.u64(n);
            }
        }
    }

    pub(super) fn opt_i64(&mut self, n: Option<i64>) {
        match n {
            None => self.byte(0),
            Some(n) => {
                self.byte(1);
                self.i64(n);
            }
        }
    }

    /// A vendor enum as (code, is it `Unknown`): `Unknown(2)` stays `Unknown(2)`.
    pub(super) fn enum_code(&mut self, code: Option<(i64, bool)>) {
        match code {
            None => self.byte(0),
            Some((code, false)) => {
                self.byte(1);
                self.i64(code);
            }
            Some((code, true)) => {
                self.byte(2);
                self.i64(code);
            }
        }
    }

    pub(super) fn date(&mut self, date: Option<NaiveDateTime>) {
        match date {
            None => self.byte(0),
            Some(date) => {
                self.byte(1);
                self.i64(date.and_utc().timestamp());
                self.u64(u64::from(date.nanosecond()));
            }
        }
    }

    pub(super) fn str(&mut self, text: &str) {
        self.u64(text.len() as u64);
        self.0.extend_from_slice(text.as_bytes());
    }

    pub(super) fn opt_str(&mut self, text: Option<&str>) {
        match text {
            None => self.byte(0),
            Some(text) => {
                self.byte(1);
                self.str(text);
            }
        }
    }

    /// Unknown 0, unset 1, an id 2 and the id.
    pub(super) fn id_field(&mut self, id: IdField) {
        match id {
            IdField::Unknown => self.byte(0),
            IdField::Unset => self.byte(1),
            IdField::Id(id) => {
                self.byte(2);
                self.u64(id);
            }
        }
    }

    /// A list that may be unknown: a marker byte, then the list.
    pub(super) fn opt_ids(&mut self, ids: Option<&[u64]>) {
        match ids {
            None => self.byte(0),
            Some(ids) => {
                self.byte(1);
                self.ids(ids);
            }
        }
    }

    pub(super) fn ids(&mut self, ids: &[u64]) {
        self.u64(ids.len() as u64);
        for id in ids {
            self.u64(*id);
        }
    }

    pub(super) fn rows(&mut self, rows: &[TableRow]) {
        self.u64(rows.len() as u64);
        for row in rows {
            self.u64(row.len() as u64);
            for (column, cell) in row {
                self.str(column);
                self.str(cell);
            }
        }
    }
}

pub(super) struct Reader<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) pos: usize,
}

impl Reader<'_> {
    pub(super) fn byte(&mut self) -> u8 {
        let byte = self.bytes.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        byte
    }

    pub(super) fn u64(&mut self) -> u64 {
        let mut n = 0u64;
        let mut shift = 0;
        while shift < 64 {
            let byte = self.byte();
            n |= u64::from(byte & 0x7F) << shift;
            if byte & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        n
    }

    pub(super) fn u64_le(&mut self) -> u64 {
        let mut raw = [0u8; 8];
        for byte in &mut raw {
            *byte = self.byte();
        }
        u64::from_le_bytes(raw)
    }

    pub(super) fn i64(&mut self) -> i64 {
        let n = self.u64();
        ((n >> 1) as i64) ^ -((n & 1) as i64)
    }

    /// A count, bounded by the bytes left (each element takes at least one byte).
    pub(super) fn len(&mut self) -> usize {
        let n = self.u64();
        usize::try_from(n)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len().saturating_sub(self.pos))
    }

    pub(super) fn opt_u64(&mut self) -> Option<u64> {
        match self.byte() {
            0 => None,
            _ => Some(self.u64()),
        }
    }

    pub(super) fn opt_i64(&mut self) -> Option<i64> {
        match self.byte() {
            0 => None,
            _ => Some(self.i64()),
        }
    }

    pub(super) fn enum_code<E>(&mut self, known: fn(i64) -> E, unknown: fn(i64) -> E) -> Option<E> {
        match self.byte() {
            0 => None,
            1 => Some(known(self.i64())),
            _ => Some(unknown(self.i64())),
        }
    }

    /// The next date, skipped (not converted).
    pub(super) fn skip_date(&mut self) {
        if self.byte() != 0 {
            self.i64();
            self.u64();
        }
    }

    pub(super) fn date(&mut self) -> Option<NaiveDateTime> {
        match self.byte() {
            0 => None,
            _ => {
                let seconds = self.i64();
                let nanos = u32::try_from(self.u64()).unwrap_or(0);
                DateTime::from_timestamp(seconds, nanos).map(|utc| utc.naive_utc())
            }
        }
    }

    pub(super) fn string(&mut self) -> String {
        let len = self.len();
        let end = self.pos.saturating_add(len).min(self.bytes.len());
        let text = self
            .bytes
            .get(self.pos..end)
            .map(String::from_utf8_lossy)
            .map(|text| text.into_owned())
            .unwrap_or_default();
        self.pos = end;
        text
    }

    /// The next string read into `into`, its allocation kept (a reader of many tickets in
    /// turn allocates nothing).
    pub(super) fn string_into(&mut self, into: &mut String) {
        let len = self.len();
        let end = self.pos.saturating_add(len).min(self.bytes.len());
        into.clear();
        if let Some(bytes) = self.bytes.get(self.pos..end) {
            into.push_str(&String::from_utf8_lossy(bytes));
        }
        self.pos = end;
    }

    /// Where the next optional string is, skipped.
    pub(super) fn opt_range(&mut self) -> Option<std::ops::Range<usize>> {
        match self.byte() {
            0 => None,
            _ => {
                let len = self.len();
                let start = self.pos;
                self.pos = start.saturating_add(len).min(self.bytes.len());
                Some(start..self.pos)
            }
        }
    }

    pub(super) fn opt_string(&mut self) -> Option<String> {
        match self.byte() {
            0 => None,
            _ => Some(self.string()),
        }
    }

    pub(super) fn id_field(&mut self) -> IdField {
        match self.byte() {
            1 => IdField::Unset,
            2 => IdField::Id(self.u64()),
            _ => IdField::Unknown,
        }
    }

    pub(super) fn opt_ids(&mut self) -> Option<Vec<u64>> {
        match self.byte() {
            1 => Some(self.ids()),
            _ => None,
        }
    }

    pub(super) fn ids(&mut self) -> Vec<u64> {
        let n = self.len();
        (0..n).map(|_| self.u64()).collect()
    }

    pub(super) fn rows(&mut self) -> Vec<TableRow> {
        let n = self.len();
        (0..n)
            .map(|_| {
                let cells = self.len();
                (0..cells).map(|_| (self.string(), self.string())).collect()
            })
            .collect()
    }
}
