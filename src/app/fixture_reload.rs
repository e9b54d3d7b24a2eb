//! `--watch`: the `--fixtures` directory loaded again, checked exactly as at
//! start-up. A good load becomes what new organisations are made from;
//! organisations still holding exactly what they were made from move to it
//! at once, the others on their next reset. A bad load changes nothing: the
//! error is logged and `/__admin/health` shows it until a good load.

use crate::app::durable::Change;
use crate::app::fixture_reloads::Reloads;
use crate::app::fixtures::Fixtures;
use crate::app::state::{AppState, Origin, Seeded};
use crate::core::generator::Generator;
use std::sync::Arc;

impl AppState {
    /// Loads the `--fixtures` directory again; on success answers how many
    /// organisations moved to it and how many wait for their next reset.
    /// Errors (the file at fault and why) leave everything as it was.
    pub fn reload_fixtures(&self) -> Result<Reloads, String> {
        let outcome = self.load_and_move();
        let mut reloads = self.fixture_reloads.lock();
        match outcome {
            Ok((moved, waiting)) => {
                reloads.loaded += 1;
                reloads.loaded_at = Some(chrono::Utc::now().to_rfc3339());
                reloads.moved = moved;
                reloads.waiting = waiting;
                reloads.error = None;
                Ok(reloads.clone())
            }
            Err(problem) => {
                reloads.error = Some(problem.clone());
                Err(problem)
            }
        }
    }

    fn load_and_move(&self) -> Result<(usize, usize), String> {
        let dir = self
            .config
            .fixtures
            .as_deref()
            .ok_or("no --fixtures directory to reload")?;
        // As `AppState::new` loads them: the same generator, the same checks.
        let fixtures = Fixtures::load(Some(dir), &Generator::new(self.config.seed, ""))
            .map_err(|e| e.to_string())?;
        self.check_against_schemas(&fixtures.reference, &fixtures.access_tokens)
            .map_err(|e| format!("fixture {e}"))?;
        let mut origin = Origin {
            fixtures: Arc::new(fixtures),
            start: None,
            datasets: Default::default(),
        };
        origin.start = self.start_dataset(&origin)?;
        // Seeded organisations get their dataset made on the new fixtures.
        let choices: Vec<(String, Seeded)> = self
            .seeded
            .read()
            .iter()
            .map(|(k, s)| (k.clone(), s.clone()))
            .collect();
        let mut remade = Vec::with_capacity(choices.len());
        for (key, old) in choices {
            let made = self
                .dataset_on(&origin, old.dataset, old.seed)
                .map_err(|e| format!("dataset {} of {key}: {e}", old.dataset.name()))?;
            remade.push((key, Seeded { made, ..old }));
        }

        // Organisations are created, replaced and deleted under this lock:
        // none appears or goes while they are looked over.
        let _creating = self.creating.lock();
        let before: Vec<(Arc<crate::domain::tenant::Tenant>, Arc<Fixtures>)> = self
            .tenants
            .iter()
            .map(|t| (t.value().clone(), self.base_of(t.key())))
            .collect();
        self.set_origin(Arc::new(origin));
        {
            let mut seeded = self.seeded.write();
            for (key, remade) in remade {
                // A setting changed meanwhile is kept as it now is.
                if let Some(now) = seeded.get_mut(&key) {
                    if (now.dataset, now.seed) == (remade.dataset, remade.seed) {
                        *now = remade;
                    }
                }
            }
        }
        let (mut moved, mut waiting) = (0, 0);
        for (tenant, base) in before {
            if !tenant.unchanged_from(&base.reference, &base.access_tokens) {
                waiting += 1;
                continue;
            }
            let fresh = Arc::new(self.fresh_tenant(&tenant.organisation, tenant.clock.clone()));
            self.record(|| Change::Tenant(fresh.clone()));
            self.tenants.insert(tenant.key(), fresh);
            moved += 1;
        }
        Ok((moved, waiting))
    }
}
