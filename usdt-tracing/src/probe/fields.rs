//! Span and event fields as the text the probes carry: `name=value` pairs separated by
//! spaces, strings as written and everything else through `Debug` (as `tracing`'s own `fmt`
//! layer shows them). Only ever called while a tracer has the probe enabled.

use std::fmt::{self, Write};
use std::mem::MaybeUninit;

use tracing_core::field::{Field, Visit};
use tracing_core::span::{Attributes, Record};
use tracing_core::Event;

use super::text::Text;

/// Bytes of fields text a probe carries (bpftrace reads at most 200 of a string, DTrace
/// 256 by default).
pub(crate) const FIELDS_LEN: usize = 1024;
/// Bytes of an event's message a probe carries.
pub(crate) const MESSAGE_LEN: usize = 512;

/// Fields text.
pub(crate) type FieldsText = Text<FIELDS_LEN>;
/// An event's message.
pub(crate) type MessageText = Text<MESSAGE_LEN>;

/// Writes fields as text; an event's `message` apart, when it has somewhere to go.
struct Writer<'a> {
    fields: &'a mut FieldsText,
    message: Option<&'a mut MessageText>,
}

impl Writer<'_> {
    fn push(&mut self, field: &Field, value: fmt::Arguments<'_>) {
        // `Text` never fails: it cuts.
        if field.name() == "message" {
            if let Some(message) = self.message.as_deref_mut() {
                let _ = message.write_fmt(value);
                return;
            }
        }
        if !self.fields.as_str().is_empty() {
            let _ = self.fields.write_char(' ');
        }
        let _ = write!(self.fields, "{}={}", field.name(), value);
    }
}

impl Visit for Writer<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.push(field, format_args!("{value}"));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.push(field, format_args!("{value:?}"));
    }
}

/// The fields a span was created with, into `slot`.
pub(crate) fn of_attributes<'t>(
    attrs: &Attributes<'_>,
    slot: &'t mut MaybeUninit<FieldsText>,
) -> &'t str {
    let fields = Text::init(slot);
    attrs.record(&mut Writer {
        fields: &mut *fields,
        message: None,
    });
    fields.as_str()
}

/// The values recorded into a span later, into `slot`.
pub(crate) fn of_record<'t>(values: &Record<'_>, slot: &'t mut MaybeUninit<FieldsText>) -> &'t str {
    let fields = Text::init(slot);
    values.record(&mut Writer {
        fields: &mut *fields,
        message: None,
    });
    fields.as_str()
}

/// An event's message and its other fields, into `slots`.
pub(crate) fn of_event<'t>(
    event: &Event<'_>,
    slots: &'t mut (MaybeUninit<MessageText>, MaybeUninit<FieldsText>),
) -> (&'t str, &'t str) {
    let message = Text::init(&mut slots.0);
    let fields = Text::init(&mut slots.1);
    event.record(&mut Writer {
        fields: &mut *fields,
        message: Some(&mut *message),
    });
    (message.as_str(), fields.as_str())
}
