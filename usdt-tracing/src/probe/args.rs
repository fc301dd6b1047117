//! Every probe's arguments, each made by a function of its own, called only while the
//! probe is enabled.
//!
//! Each takes what it reads by value or reference (the layer's `Context` by value: a
//! closure borrowing it would make the callback keep it on the stack) and writes text
//! into a buffer the callback declares uninitialized (see `text`): so the untraced
//! callback is the gate and a return, with no stack frame to set up. Names pass as
//! `&CStr` (see `names`), so the callbacks inlined into the subscriber's (enter, exit,
//! close) add no buffer to their frames; those that take text are not inlined.

use std::ffi::CStr;
use std::mem::MaybeUninit;

use tracing_core::span::{Attributes, Id, Record};
use tracing_core::{Event, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::{LookupSpan, SpanData};

use super::fields::{self, FieldsText, MessageText};
use super::names;

/// The name of span `id`, or `""` when the registry no longer knows it.
#[cold]
#[inline(never)]
pub(super) fn span_name<S>(ctx: Context<'_, S>, id: &Id) -> &'static CStr
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    names::c_str(ctx.metadata(id).map_or("", |m| m.name()))
}

/// The name of span `id` as `spans` (a registry, or a subscriber around one) knows it,
/// or `""` when it no longer does.
#[cold]
#[inline(never)]
pub(super) fn name_in<R>(spans: &R, id: &Id) -> &'static CStr
where
    R: for<'a> LookupSpan<'a>,
{
    let name = spans.span_data(id).map(|data| data.metadata().name());
    names::c_str(name.unwrap_or(""))
}

/// `span__new`'s arguments.
#[cold]
#[inline(never)]
pub(super) fn new_args<'t, S>(
    attrs: &Attributes<'_>,
    id: &Id,
    ctx: Context<'_, S>,
    fields: &'t mut MaybeUninit<FieldsText>,
) -> (u64, u64, &'static CStr, &'static CStr, &'t str)
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    // The registry has resolved the parent, explicit or contextual.
    let parent = ctx
        .span(id)
        .and_then(|span| span.parent())
        .map_or(0, |parent| parent.id().into_u64());
    let meta = attrs.metadata();
    (
        id.into_u64(),
        parent,
        names::c_str(meta.name()),
        names::c_str(meta.target()),
        fields::of_attributes(attrs, fields),
    )
}

/// `span__record`'s arguments.
#[cold]
#[inline(never)]
pub(super) fn record_args<'t, S>(
    id: &Id,
    values: &Record<'_>,
    ctx: Context<'_, S>,
    fields: &'t mut MaybeUninit<FieldsText>,
) -> (u64, &'static CStr, &'t str)
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    (
        id.into_u64(),
        span_name(ctx, id),
        fields::of_record(values, fields),
    )
}

/// `event`'s arguments.
#[cold]
#[inline(never)]
pub(super) fn event_args<'t, S>(
    event: &Event<'_>,
    ctx: Context<'_, S>,
    text: &'t mut (MaybeUninit<MessageText>, MaybeUninit<FieldsText>),
) -> (&'static CStr, &'static CStr, &'t str, &'t str, u64)
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    let (message, fields) = fields::of_event(event, text);
    let meta = event.metadata();
    let span = ctx.event_span(event).map_or(0, |span| span.id().into_u64());
    let level = names::c_str(meta.level().as_str());
    (level, names::c_str(meta.target()), message, fields, span)
}

/// The span just exited, `id`, and its name, found through the current dispatcher (the
/// one calling the layer): so the layer's callback keeps nothing but `id` across the
/// subscriber's own work.
#[cold]
#[inline(never)]
pub(super) fn exited<S>(id: &Id) -> (u64, &'static CStr)
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    tracing_core::dispatcher::get_default(|d| {
        let name = d.downcast_ref::<S>().map_or(c"", |s| name_in(s, id));
        (id.into_u64(), name)
    })
}

/// The span just entered: the current span, found through the current dispatcher, so the
/// layer's callback keeps nothing across the subscriber's own work.
#[cold]
#[inline(never)]
pub(super) fn entered() -> (u64, &'static CStr) {
    tracing_core::dispatcher::get_default(|d| {
        let current = d.current_span();
        let id = current.id().map_or(0, |id| id.into_u64());
        (
            id,
            names::c_str(current.metadata().map_or("", |m| m.name())),
        )
    })
}
