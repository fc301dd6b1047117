//! [`ProbeLayer`]: `tracing`'s spans and events as the static probes of the provider
//! `tracing` (declared in `tracing.d`, at the root of this crate).

mod fields;
mod names;
mod text;

use std::ffi::CStr;
use std::mem::MaybeUninit;

use tracing_core::span::{Attributes, Id, Record};
use tracing_core::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::{LookupSpan, SpanData};

use fields::{FieldsText, MessageText};

usdt::dtrace_provider!("tracing.d");

/// A [`Layer`] that fires a static probe for every span and event: the provider
/// `tracing`'s `span__new`, `span__enter`, `span__exit`, `span__record`, `span__close` and
/// `event` (see the [crate docs](crate#spans-and-events-as-probes) for their arguments and
/// for bpftrace one-liners that read them).
///
/// While nobody traces a probe, its callback is a compare, a branch and a return: the
/// layer looks up nothing, formats nothing and allocates nothing. While a tracer has it
/// enabled, the layer formats the fields into a buffer on its stack and hands them over
/// (it allocates only the first time it passes a span name or target, kept as a C string).
///
/// On illumos, FreeBSD and macOS, call [`usdt::register_probes`] once, as for any provider;
/// on targets without probes the layer compiles and does nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProbeLayer {
    _private: (),
}

impl ProbeLayer {
    /// A layer firing the `tracing` provider's probes.
    pub fn new() -> Self {
        ProbeLayer { _private: () }
    }
}

// Every probe's arguments are made by a function of their own, called only while the
// probe is enabled, which takes the layer's `Context` by value (a closure borrowing it
// would make the callback keep it on the stack) and writes text into a buffer the
// callback declares uninitialized (see `text`): so the untraced callback is the gate and
// a return, with no stack frame to set up. Names pass as `&CStr` (see `names`), so the
// callbacks inlined into the subscriber's (enter, exit, close) add no buffer to their
// frames, and enter and exit find what they pass through the dispatcher, so the
// subscriber keeps little or nothing across its own work for them; those that take text
// are not inlined.

/// The name of span `id`, or `""` when the registry no longer knows it.
#[cold]
#[inline(never)]
fn span_name<S>(ctx: Context<'_, S>, id: &Id) -> &'static CStr
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    names::c_str(ctx.metadata(id).map_or("", |m| m.name()))
}

/// `span__new`'s arguments.
#[cold]
#[inline(never)]
fn new_args<'t, S>(
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
fn record_args<'t, S>(
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
fn event_args<'t, S>(
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
/// one calling the layer): so the callback keeps nothing but `id` across the
/// subscriber's own work.
#[cold]
#[inline(never)]
fn exited<S>(id: &Id) -> (u64, &'static CStr)
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    tracing_core::dispatcher::get_default(|d| {
        let name = d
            .downcast_ref::<S>()
            .and_then(|s| s.span_data(id).map(|data| data.metadata().name()));
        (id.into_u64(), names::c_str(name.unwrap_or("")))
    })
}

/// The span just entered: the current span.
#[cold]
#[inline(never)]
fn entered() -> (u64, &'static CStr) {
    tracing_core::dispatcher::get_default(|d| {
        let current = d.current_span();
        let id = current.id().map_or(0, |id| id.into_u64());
        (
            id,
            names::c_str(current.metadata().map_or("", |m| m.name())),
        )
    })
}

impl<S> Layer<S> for ProbeLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    #[inline(never)]
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = MaybeUninit::uninit();
        tracing_span__new!(|| new_args(attrs, id, ctx, &mut fields));
    }

    #[inline(never)]
    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let mut fields = MaybeUninit::uninit();
        tracing_span__record!(|| record_args(id, values, ctx, &mut fields));
    }

    fn on_enter(&self, _id: &Id, _ctx: Context<'_, S>) {
        tracing_span__enter!(|| entered());
    }

    fn on_exit(&self, id: &Id, _ctx: Context<'_, S>) {
        tracing_span__exit!(|| exited::<S>(id));
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        tracing_span__close!(|| (id.into_u64(), span_name(ctx, &id)));
    }

    #[inline(never)]
    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut text = (MaybeUninit::uninit(), MaybeUninit::uninit());
        tracing_event!(|| event_args(event, ctx, &mut text));
    }
}
