//! The rules, one per file. Each declares its documentation with [`crate::declare_rule!`]
//! and implements [`Rule`].

use crate::context::ScanContext;
use crate::doc::RuleDoc;
use crate::finding::Finding;

mod tg001_root_trust;
mod tg002_public_trust;
mod tg003_third_party_without_external_id;
mod tg004_weak_external_id;
mod tg005_human_trust_without_mfa;
mod tg006_service_trust_without_source;
mod tg007_cross_account_admin;
mod tg008_wildcard_permissions;
mod tg009_no_permission_boundary;
mod tg010_role_chain;
mod tg011_stale_trust;
mod tg012_assume_any_role;
mod tg013_public_resource_policy;
mod tg014_allow_not_principal;
mod tg015_deleted_principal;
mod tg016_undocumented_role;
mod tg017_external_reaches_admin;
mod tg018_escalation_to_cross_account;
mod tg019_user_keys_cross_account;
mod tg020_old_access_key;
mod tg021_duplicated_user;
mod tg022_user_without_mfa;
mod tg030_new_caller;
mod tg031_outside_org_assumption;
mod tg032_new_network;
mod tg033_failed_assume_burst;
mod tg034_observed_role_chain;
mod tg035_trust_denies_observed_use;

pub use tg001_root_trust::RootTrust;
pub use tg002_public_trust::PublicTrust;
pub use tg003_third_party_without_external_id::ThirdPartyWithoutExternalId;
pub use tg004_weak_external_id::WeakExternalId;
pub use tg005_human_trust_without_mfa::HumanTrustWithoutMfa;
pub use tg006_service_trust_without_source::ServiceTrustWithoutSource;
pub use tg007_cross_account_admin::CrossAccountAdmin;
pub use tg008_wildcard_permissions::WildcardPermissions;
pub use tg009_no_permission_boundary::NoPermissionBoundary;
pub use tg010_role_chain::RoleChain;
pub use tg011_stale_trust::StaleTrust;
pub use tg012_assume_any_role::AssumeAnyRole;
pub use tg013_public_resource_policy::PublicResourcePolicy;
pub use tg014_allow_not_principal::AllowNotPrincipal;
pub use tg015_deleted_principal::DeletedPrincipal;
pub use tg016_undocumented_role::UndocumentedRole;
pub use tg017_external_reaches_admin::ExternalReachesAdmin;
pub use tg018_escalation_to_cross_account::EscalationToCrossAccount;
pub use tg019_user_keys_cross_account::UserKeysCrossAccount;
pub use tg020_old_access_key::OldAccessKey;
pub use tg021_duplicated_user::DuplicatedUser;
pub use tg022_user_without_mfa::UserWithoutMfa;
pub use tg030_new_caller::NewCaller;
pub use tg031_outside_org_assumption::OutsideOrgAssumption;
pub use tg032_new_network::NewNetwork;
pub use tg033_failed_assume_burst::FailedAssumeBurst;
pub use tg034_observed_role_chain::ObservedRoleChain;
pub use tg035_trust_denies_observed_use::TrustDeniesObservedUse;

/// Runs `check` over `items` (with their index) on every core, appending the findings to `out` in the order a
/// plain loop would: rules run side by side, and one long rule walking 200 000 roles alone
/// would leave the other core idle at the end of the scan.
pub(crate) fn for_each_parallel<T: Sync>(
    items: &[T],
    out: &mut Vec<Finding>,
    check: impl Fn(usize, &T, &mut Vec<Finding>) + Sync,
) {
    use rayon::prelude::*;
    const CHUNK: usize = 512;
    let parts: Vec<Vec<Finding>> = items
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let mut found = Vec::new();
            for (i, item) in chunk.iter().enumerate() {
                check(c * CHUNK + i, item, &mut found);
            }
            found
        })
        .collect();
    out.reserve(parts.iter().map(Vec::len).sum());
    for part in parts {
        out.extend(part);
    }
}

/// A check over the scan context.
pub trait Rule: Sync {
    fn doc(&self) -> &'static RuleDoc;
    fn check(&self, cx: &ScanContext<'_>, out: &mut Vec<Finding>);
}

macro_rules! impl_rule {
    ($($t:ident),* $(,)?) => {
        $(impl Rule for $t {
            fn doc(&self) -> &'static RuleDoc {
                &$t::DOC
            }
            fn check(&self, cx: &ScanContext<'_>, out: &mut Vec<Finding>) {
                $t::run(cx, out)
            }
        })*
    };
}

impl_rule!(
    RootTrust,
    PublicTrust,
    ThirdPartyWithoutExternalId,
    WeakExternalId,
    HumanTrustWithoutMfa,
    ServiceTrustWithoutSource,
    CrossAccountAdmin,
    WildcardPermissions,
    NoPermissionBoundary,
    RoleChain,
    StaleTrust,
    AssumeAnyRole,
    PublicResourcePolicy,
    AllowNotPrincipal,
    DeletedPrincipal,
    UndocumentedRole,
    ExternalReachesAdmin,
    EscalationToCrossAccount,
    UserKeysCrossAccount,
    OldAccessKey,
    DuplicatedUser,
    UserWithoutMfa,
    NewCaller,
    OutsideOrgAssumption,
    NewNetwork,
    FailedAssumeBurst,
    ObservedRoleChain,
    TrustDeniesObservedUse,
);

/// Reported by the baseline itself (see [`crate::baseline`]), listed for its documentation.
impl Rule for crate::baseline::ExpiredBaseline {
    fn doc(&self) -> &'static RuleDoc {
        &crate::baseline::ExpiredBaseline::DOC
    }
    fn check(&self, _cx: &ScanContext<'_>, _out: &mut Vec<Finding>) {}
}

/// Every rule, in ID order.
pub fn catalogue() -> Vec<&'static dyn Rule> {
    vec![
        &RootTrust,
        &PublicTrust,
        &ThirdPartyWithoutExternalId,
        &WeakExternalId,
        &HumanTrustWithoutMfa,
        &ServiceTrustWithoutSource,
        &CrossAccountAdmin,
        &WildcardPermissions,
        &NoPermissionBoundary,
        &RoleChain,
        &StaleTrust,
        &AssumeAnyRole,
        &PublicResourcePolicy,
        &AllowNotPrincipal,
        &DeletedPrincipal,
        &UndocumentedRole,
        &ExternalReachesAdmin,
        &EscalationToCrossAccount,
        &UserKeysCrossAccount,
        &OldAccessKey,
        &DuplicatedUser,
        &UserWithoutMfa,
        &NewCaller,
        &OutsideOrgAssumption,
        &NewNetwork,
        &FailedAssumeBurst,
        &ObservedRoleChain,
        &TrustDeniesObservedUse,
        &crate::baseline::ExpiredBaseline,
    ]
}
