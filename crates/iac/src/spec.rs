//! spec (wip)
