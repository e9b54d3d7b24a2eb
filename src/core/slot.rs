//! A fill-once slot a lower layer keeps for an upper layer's cache, without
//! knowing what the upper layer puts in it (the imports stay pointing down).

use std::any::Any;
use std::sync::OnceLock;

/// Holds one value of a type only its user knows, made on first use.
#[derive(Default)]
pub struct Slot(OnceLock<Box<dyn Any + Send + Sync>>);

impl Slot {
    /// The value, if one of type `T` was put in.
    pub fn get<T: Any>(&self) -> Option<&T> {
        self.0.get().and_then(|v| v.downcast_ref())
    }

    /// The value, putting `value` in if the slot is empty. `None` when the
    /// slot holds another type (a programming error the caller reports).
    pub fn get_or_put<T: Any + Send + Sync>(&self, value: T) -> Option<&T> {
        self.0.get_or_init(|| Box::new(value)).downcast_ref()
    }
}

impl std::fmt::Debug for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "Slot(filled)"
        } else {
            "Slot(empty)"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Slot;

    #[test]
    fn a_slot_keeps_its_first_value_and_answers_only_its_type() {
        let slot = Slot::default();
        assert_eq!(slot.get::<u32>(), None);
        assert_eq!(slot.get_or_put(7u32), Some(&7));
        assert_eq!(slot.get_or_put(8u32), Some(&7));
        assert_eq!(slot.get::<String>(), None);
    }
}
