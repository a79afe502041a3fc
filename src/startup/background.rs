//! The app's background work as one handle, for a test that drives it instead of racing its
//! loops (zero2prod's `try_execute_task` until the queue is empty, crates.io's
//! `run_pending_background_jobs`). With [`Loops::Manual`] the loops that act on the clock are
//! not started; [`Background::settle`] runs each of them once, again and again, until a whole
//! round finds nothing to do.

use std::sync::Arc;
use std::time::Duration;

use crate::db::Db;
#[cfg(feature = "sandbox")]
use crate::sandbox::Sandbox;
use crate::supervisor::Shutdown;
use crate::work::Worker;

/// Whether the loops that act on the clock run by themselves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Loops {
    /// As in production: every loop runs on its own.
    #[default]
    Run,
    /// The work queue, reconciliation, retention, reminders, the mail and event senders and
    /// the sandbox's scenarios and deliveries wait for [`Background::settle`]. What answers a
    /// request (the webhook writer, the live status feed) still runs.
    Manual,
}

/// Everything the app does in the background, to run on demand.
#[derive(Clone)]
pub struct Background {
    pub(super) db: Db,
    pub(super) worker: Worker,
    pub(super) mailer: Arc<crate::mail::Mailer>,
    pub(super) events: Arc<crate::partner::EventSender>,
    pub(super) reconcile_after: Duration,
    pub(super) reconcile_max_wait: Duration,
    pub(super) retention: crate::config::retention::Policy,
    #[cfg(feature = "sandbox")]
    pub(super) sandbox: Option<Sandbox>,
}

/// What one [`Background::settle`] ran.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settled {
    pub rounds: usize,
    pub sandbox_steps: usize,
    pub webhooks_sent: usize,
    pub reads_queued: usize,
    pub reminders_queued: usize,
    pub work_done: usize,
    pub mails_sent: usize,
    pub events_sent: usize,
}

impl Settled {
    fn ran(&self) -> usize {
        self.sandbox_steps
            + self.webhooks_sent
            + self.reads_queued
            + self.reminders_queued
            + self.work_done
            + self.mails_sent
            + self.events_sent
    }
}

/// More rounds than any journey needs: a loop that never ends is a defect, not a wait.
const MAX_ROUNDS: usize = 200;

impl Background {
    /// Runs what is due on the app's clock until nothing is left: the sandbox's steps and
    /// webhook deliveries, reconciliation and reminders, the work queue, the mail and event
    /// senders, round after round. Errors when a piece fails or the work never ends.
    pub async fn settle(&self) -> anyhow::Result<Settled> {
        let mut total = Settled::default();
        let shutdown = Shutdown::never();
        for round in 1..=MAX_ROUNDS {
            #[cfg_attr(not(feature = "sandbox"), allow(unused_mut))]
            let (mut sandbox_steps, mut webhooks_sent) = (0, 0);
            #[cfg(feature = "sandbox")]
            if let Some(sandbox) = &self.sandbox {
                (sandbox_steps, webhooks_sent) =
                    sandbox.run_due_once().await.map_err(anyhow::Error::msg)?;
            }
            let reads_queued = crate::webhooks::reconcile::reconcile_once(
                &self.db,
                self.reconcile_after,
                self.reconcile_max_wait,
            )
            .await?;
            let reminders_queued =
                usize::try_from(crate::db::mail::schedule(&self.db, self.db.now_ms()).await?)
                    .unwrap_or(usize::MAX);
            let mut work_done = 0;
            loop {
                let n = self.worker.run_once().await?;
                if n == 0 {
                    break;
                }
                work_done += n;
            }
            let this = Settled {
                rounds: round,
                sandbox_steps,
                webhooks_sent,
                reads_queued,
                reminders_queued,
                work_done,
                mails_sent: crate::outbox::pass(self.mailer.as_ref(), &shutdown).await?,
                events_sent: crate::outbox::pass(self.events.as_ref(), &shutdown).await?,
            };
            total.sandbox_steps += this.sandbox_steps;
            total.webhooks_sent += this.webhooks_sent;
            total.reads_queued += this.reads_queued;
            total.reminders_queued += this.reminders_queued;
            total.work_done += this.work_done;
            total.mails_sent += this.mails_sent;
            total.events_sent += this.events_sent;
            total.rounds = round;
            if this.ran() == 0 {
                return Ok(total);
            }
        }
        anyhow::bail!("the background work did not settle in {MAX_ROUNDS} rounds: {total:?}")
    }

    /// The retention job once, at the clock's time (it runs daily in production).
    pub async fn run_retention(&self) -> anyhow::Result<crate::retention::Report> {
        Ok(crate::retention::run_once(&self.db, self.db.now_ms(), self.retention).await?)
    }
}
