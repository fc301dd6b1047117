//! [`ProfileLayer`]'s callbacks: find a span's series, then let the thread's state count.

use std::fmt;

use tracing_core::field::{Field, Visit};
use tracing_core::span::{Attributes, Id};
use tracing_core::Subscriber;
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

use super::series::{Key, Label, NONE};
use super::settings::{self, Settings};
use super::thread::with_state;

/// A [`Layer`] that profiles spans: per stack of span names, wall time, CPU time,
/// allocations and heap in use, exported as pprof by its [`Profiler`](super::Profiler).
///
/// Made by [`ProfileLayer::builder`]; clones share the one profiler of the process, so a
/// clone can go into each of several subscribers.
#[derive(Clone)]
pub struct ProfileLayer {
    pub(crate) settings: &'static Settings,
}

impl fmt::Debug for ProfileLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileLayer")
            .field("settings", self.settings)
            .finish()
    }
}

/// The series of a profiled span, kept in its extensions: dropped with them when the
/// registry clears the span's slot after closing it, which is when the span counts as
/// closed (so closing costs the layer no lookup), and a reused slot starts afresh.
struct SpanSeries(u32);

impl Drop for SpanSeries {
    fn drop(&mut self) {
        if settings::running() {
            let series = self.0;
            with_state(|state| state.closed(series, settings::get()));
        }
    }
}

/// The values of the label fields among a span's fields.
struct Labels<'a> {
    names: &'a [String],
    found: Vec<Label>,
}

impl Labels<'_> {
    fn add(&mut self, field: &Field, value: impl FnOnce() -> String) {
        if self.names.iter().any(|n| n == field.name()) {
            self.found.push((field.name(), value().into_boxed_str()));
        }
    }
}

impl Visit for Labels<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.add(field, || value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.add(field, || format!("{value:?}"));
    }
}

/// The series of span `id`, if it is profiled.
fn series_of<S>(ctx: &Context<'_, S>, id: &Id) -> u32
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    ctx.span(id)
        .and_then(|span| span.extensions().get::<SpanSeries>().map(|s| s.0))
        .unwrap_or(NONE)
}

impl<S> Layer<S> for ProfileLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if !settings::running() {
            return;
        }
        // A span is profiled when its parent is (sampling decides for roots only). An
        // explicit parent is looked up; a contextual one is the innermost span this layer
        // saw entered on this thread, which the thread's state knows.
        let explicit = match attrs.parent() {
            Some(parent) => match series_of(&ctx, parent) {
                NONE => return,
                series => Some(Some(series)),
            },
            None if attrs.is_root() => Some(None),
            None => None,
        };
        let s = self.settings;
        let series = with_state(|state| {
            let parent = match explicit {
                Some(parent) => parent,
                None => match state.innermost() {
                    Some(NONE) => return None,
                    innermost => innermost,
                },
            };
            if parent.is_none() && !state.sample_root(s.sample) {
                return None;
            }
            let mut labels = Labels {
                names: &s.labels,
                found: Vec::new(),
            };
            if !s.labels.is_empty() {
                attrs.record(&mut labels);
            }
            let meta = attrs.metadata();
            let key = Key {
                parent: parent.unwrap_or(NONE),
                callsite: std::ptr::from_ref(meta) as usize,
                labels: labels.found,
            };
            let series = state.series(key, meta);
            state.created(series, s);
            Some(series)
        });
        if let (Some(Some(series)), Some(span)) = (series, ctx.span(id)) {
            // Made outside the thread's state: the extension's drop (if the insert
            // replaced one) uses it.
            let _suspended = super::thread::Suspended::new();
            span.extensions_mut().insert(SpanSeries(series));
        }
    }

    fn on_enter(&self, id: &Id, ctx: Context<'_, S>) {
        if !settings::running() {
            return;
        }
        let series = series_of(&ctx, id);
        with_state(|state| state.enter(id.into_u64(), series, self.settings));
    }

    fn on_exit(&self, id: &Id, _ctx: Context<'_, S>) {
        if !settings::running() {
            return;
        }
        with_state(|state| state.exit(id.into_u64(), self.settings));
    }
}
