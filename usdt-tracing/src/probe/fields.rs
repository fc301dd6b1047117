//! Span and event fields as the text the probes carry: `name=value` pairs separated by
//! spaces, strings as written and everything else through `Debug` (as `tracing`'s own `fmt`
//! layer shows them). Only ever called from a probe's closure, so only while a tracer has
//! the probe enabled.

use std::fmt::{self, Write};

use tracing_core::field::{Field, Visit};
use tracing_core::span::{Attributes, Record};
use tracing_core::Event;

/// Collects fields as text; an event's `message` apart from the rest.
#[derive(Default)]
pub(crate) struct FieldText {
    /// The `message` field, when collected apart (events).
    pub(crate) message: String,
    /// Every other field, `name=value name=value`.
    pub(crate) fields: String,
    /// Whether `message` goes to [`FieldText::message`] rather than with the others.
    message_apart: bool,
}

impl FieldText {
    fn push(&mut self, field: &Field, value: fmt::Arguments<'_>) {
        if self.message_apart && field.name() == "message" {
            // A `String` never fails to take formatted text.
            let _ = self.message.write_fmt(value);
            return;
        }
        if !self.fields.is_empty() {
            self.fields.push(' ');
        }
        self.fields.push_str(field.name());
        self.fields.push('=');
        let _ = self.fields.write_fmt(value);
    }
}

impl Visit for FieldText {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.push(field, format_args!("{value}"));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.push(field, format_args!("{value:?}"));
    }
}

/// The fields a span was created with.
pub(crate) fn of_attributes(attrs: &Attributes<'_>) -> String {
    let mut text = FieldText::default();
    attrs.record(&mut text);
    text.fields
}

/// The values recorded into a span later.
pub(crate) fn of_record(values: &Record<'_>) -> String {
    let mut text = FieldText::default();
    values.record(&mut text);
    text.fields
}

/// An event's message and its other fields.
pub(crate) fn of_event(event: &Event<'_>) -> FieldText {
    let mut text = FieldText {
        message_apart: true,
        ..FieldText::default()
    };
    event.record(&mut text);
    text
}
