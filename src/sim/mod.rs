//! The simulated device fleet. PLACEHOLDER: being written.
