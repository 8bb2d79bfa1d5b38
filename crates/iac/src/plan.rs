//! Terraform plan JSON (`terraform show -json plan.out`): `resource_changes` with their
//! planned values. Values Terraform only knows after apply (`after_unknown`) are opaque,
//! except references to the plan's own roles, users, groups, policies and buckets, which are
//! resolved through `configuration` (`expressions.*.references`).
//!
//! The deploying account comes from `data.aws_caller_identity` in `prior_state`, else from
//! the ARNs of the plan's IAM resources.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value as J;

use crate::node::Node;
use crate::template::{Change, Item, Loc, Template, Unresolved};

/// Whether a parsed JSON document is a Terraform plan.
pub fn is_plan(doc: &Node) -> bool {
    doc.get("resource_changes").is_some()
        || (doc.get("format_version").is_some() && doc.get("terraform_version").is_some())
}

fn change_of(actions: &[J]) -> Change {
    let has = |a: &str| actions.iter().any(|x| x == a);
    match (has("create"), has("delete"), has("update")) {
        (true, true, _) => Change::Replace,
        (true, false, _) => Change::Create,
        (false, true, _) => Change::Delete,
        (_, _, true) => Change::Update,
        _ => Change::NoOp,
    }
}

/// Puts an opaque placeholder wherever `after_unknown` says the value is unknown.
fn mark_unknown(value: &mut J, unknown: &J, path: &str, u: &mut Unresolved) {
    match unknown {
        J::Bool(true) => *value = J::String(u.opaque(path)),
        J::Object(m) => {
            if !value.is_object() {
                *value = J::Object(serde_json::Map::new());
            }
            for (k, un) in m {
                let slot = value
                    .as_object_mut()
                    .expect("object")
                    .entry(k.clone())
                    .or_insert(J::Null);
                mark_unknown(slot, un, &format!("{path}.{k}"), u);
            }
        }
        J::Array(items) => {
            if !value.is_array() {
                *value = J::Array(Vec::new());
            }
            let arr = value.as_array_mut().expect("array");
            for (i, un) in items.iter().enumerate() {
                if arr.len() <= i {
                    arr.push(J::Null);
                }
                mark_unknown(&mut arr[i], un, &format!("{path}[{i}]"), u);
            }
        }
        _ => {}
    }
}

fn account_from(doc: &J) -> Option<String> {
    fn walk_state(module: &J, out: &mut Option<String>) {
        for r in module["resources"].as_array().into_iter().flatten() {
            if r["type"] == "aws_caller_identity" {
                if let Some(a) = r["values"]["account_id"].as_str() {
                    *out = Some(a.to_string());
                }
            }
        }
        for c in module["child_modules"].as_array().into_iter().flatten() {
            walk_state(c, out);
        }
    }
    let mut found = None;
    walk_state(&doc["prior_state"]["values"]["root_module"], &mut found);
    if found.is_some() {
        return found;
    }
    for rc in doc["resource_changes"].as_array().into_iter().flatten() {
        for side in ["after", "before"] {
            if let Some(arn) = rc["change"][side]["arn"].as_str() {
                if let Some(a) = trustgate_policy::Arn::parse(arn) {
                    if a.service == "iam" && trustgate_policy::is_account_id(a.account) {
                        return Some(a.account.to_string());
                    }
                }
            }
        }
    }
    None
}

/// `configuration` references of each resource attribute: address → key → references.
fn references(doc: &J) -> HashMap<String, HashMap<String, Vec<String>>> {
    let mut out = HashMap::new();
    fn walk(module: &J, prefix: &str, out: &mut HashMap<String, HashMap<String, Vec<String>>>) {
        for r in module["resources"].as_array().into_iter().flatten() {
            let Some(addr) = r["address"].as_str() else {
                continue;
            };
            let mut keys = HashMap::new();
            for (k, e) in r["expressions"].as_object().into_iter().flatten() {
                let refs: Vec<String> = e["references"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect();
                keys.insert(k.clone(), refs);
            }
            out.insert(format!("{prefix}{addr}"), keys);
        }
        for (name, call) in module["module_calls"].as_object().into_iter().flatten() {
            walk(&call["module"], &format!("{prefix}module.{name}."), out);
        }
    }
    walk(&doc["configuration"]["root_module"], "", &mut out);
    out
}

/// Reads a plan. `root` is the parsed document (for positions), `doc` the same as JSON.
pub fn read(file: &Path, root: &Node, fallback_account: &str) -> Template {
    let doc = root.to_json();
    let found = account_from(&doc);
    let account = found
        .clone()
        .unwrap_or_else(|| fallback_account.to_string());
    let refs = references(&doc);
    let nodes = root
        .get("resource_changes")
        .and_then(Node::as_seq)
        .unwrap_or(&[]);
    let changes = doc["resource_changes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let by_address: HashMap<&str, &J> = changes
        .iter()
        .filter_map(|rc| Some((rc["address"].as_str()?, rc)))
        .collect();
    // A reference `TYPE.LABEL.ATTR` to a resource of the plan, from its planned values.
    let resolve = |reference: &str, prefix: &str| -> Option<String> {
        let (res, attr) = reference.rsplit_once('.')?;
        let rc = by_address
            .get(format!("{prefix}{res}").as_str())
            .or_else(|| by_address.get(res))?;
        let after = &rc["change"]["after"];
        let ty = rc["type"].as_str()?;
        let name = after["name"].as_str().or(rc["name"].as_str())?;
        let path = after["path"].as_str().unwrap_or("/");
        let kind = match ty {
            "aws_iam_role" => "role",
            "aws_iam_user" => "user",
            "aws_iam_group" => "group",
            "aws_iam_policy" => "policy",
            "aws_s3_bucket" => {
                let b = after["bucket"].as_str()?;
                return Some(match attr {
                    "arn" => format!("arn:aws:s3:::{b}"),
                    _ => b.to_string(),
                });
            }
            _ => return None,
        };
        Some(match (kind, attr) {
            ("policy", "arn" | "id") | (_, "arn") => {
                format!("arn:aws:iam::{account}:{kind}{path}{name}")
            }
            _ => name.to_string(),
        })
    };
    let mut template = Template {
        path: file.to_path_buf(),
        format: "terraform-plan",
        account: account.clone(),
        account_known: found.is_some(),
        items: Vec::new(),
        notes: Vec::new(),
    };
    for (i, rc) in changes.iter().enumerate() {
        if rc["mode"] != "managed" {
            continue;
        }
        let (Some(ty), Some(label), Some(address)) = (
            rc["type"].as_str(),
            rc["name"].as_str(),
            rc["address"].as_str(),
        ) else {
            continue;
        };
        if !crate::tf::TYPES.contains(&ty) {
            continue;
        }
        let ch = &rc["change"];
        let change = change_of(ch["actions"].as_array().map(Vec::as_slice).unwrap_or(&[]));
        let mut u = Unresolved::default();
        let mut attrs = if change == Change::Delete {
            ch["before"].clone()
        } else {
            ch["after"].clone()
        };
        if change != Change::Delete {
            // Unknown values that reference the plan's own resources are resolved first.
            let prefix = address
                .rfind(&format!("{ty}.{label}"))
                .map(|p| &address[..p])
                .unwrap_or("");
            // `configuration` names resources without their count/for_each index.
            let config_address = match address.rfind('[') {
                Some(p) if address.ends_with(']') => &address[..p],
                _ => address,
            };
            if let (Some(J::Object(unknown)), Some(keys)) =
                (ch.get("after_unknown"), refs.get(config_address))
            {
                let mut resolved = serde_json::Map::new();
                let mut computed = Vec::new();
                for (key, un) in unknown {
                    // Unknown but not configured: computed by the provider (`arn`, or
                    // `managed_policy_arns` filled from attachment resources the plan
                    // lists on their own), not a value this resource sets.
                    if !keys.contains_key(key) {
                        computed.push(key.clone());
                        continue;
                    }
                    if un != &J::Bool(true) {
                        continue;
                    }
                    let Some(rs) = keys.get(key) else { continue };
                    let values: Vec<String> = rs
                        .iter()
                        .filter(|r| r.matches('.').count() >= 2)
                        .filter_map(|r| resolve(r, prefix))
                        .collect();
                    if values.is_empty() {
                        continue;
                    }
                    let is_list = matches!(key.as_str(), "roles" | "users" | "groups");
                    resolved.insert(
                        key.clone(),
                        if is_list {
                            J::Array(values.into_iter().map(J::String).collect())
                        } else {
                            J::String(values[0].clone())
                        },
                    );
                }
                let mut rest = J::Object(unknown.clone());
                if let J::Object(m) = &mut rest {
                    for k in resolved.keys().chain(&computed) {
                        m.remove(k);
                    }
                }
                if let J::Object(a) = &mut attrs {
                    for k in &computed {
                        if a.get(k).is_some_and(J::is_null) {
                            a.remove(k);
                        }
                    }
                }
                mark_unknown(&mut attrs, &rest, address, &mut u);
                if let J::Object(a) = &mut attrs {
                    a.extend(resolved);
                }
            } else if let Some(un) = ch.get("after_unknown") {
                mark_unknown(&mut attrs, un, address, &mut u);
            }
        }
        let node = nodes.get(i);
        let loc = Loc {
            file: file.to_path_buf(),
            line: node.map_or(1, |n| n.line),
            column: node.map_or(1, |n| n.column),
        };
        let doc_loc = |_: &str| loc.clone();
        let Some(kind) = crate::tf::item(ty, label, &attrs, &account, &doc_loc, &mut u) else {
            continue;
        };
        template.items.push(Item {
            address: address.to_string(),
            loc: loc.clone(),
            account: None,
            kind,
            unresolved: u.0,
            change: Some(change),
        });
    }
    template
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::parse_documents;
    use crate::template::{ItemKind, PrincipalType};

    #[test]
    fn unknown_values_resolved_through_configuration() {
        let text = r#"{"format_version": "1.2", "terraform_version": "1.9.0",
 "resource_changes": [
  {"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r",
   "change": {"actions": ["create"], "before": null,
     "after": {"name": "app", "path": "/", "assume_role_policy": null},
     "after_unknown": {"arn": true, "assume_role_policy": true, "managed_policy_arns": true}}},
  {"address": "aws_iam_role_policy_attachment.a", "mode": "managed", "type": "aws_iam_role_policy_attachment", "name": "a",
   "change": {"actions": ["create"], "before": null,
     "after": {"policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
     "after_unknown": {"role": true, "id": true}}},
  {"address": "aws_iam_role.old", "mode": "managed", "type": "aws_iam_role", "name": "old",
   "change": {"actions": ["delete"], "before": {"name": "old", "arn": "arn:aws:iam::444444444444:role/old", "assume_role_policy": "{\"Statement\":[]}"}, "after": null}}
 ],
 "configuration": {"root_module": {"resources": [
  {"address": "aws_iam_role.r", "expressions": {"name": {"constant_value": "app"}, "assume_role_policy": {"references": ["data.aws_iam_policy_document.t.json", "data.aws_iam_policy_document.t"]}}},
  {"address": "aws_iam_role_policy_attachment.a", "expressions": {"role": {"references": ["aws_iam_role.r.name", "aws_iam_role.r"]}, "policy_arn": {"constant_value": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}}
 ]}}}"#;
        let docs = parse_documents(text).unwrap();
        assert!(is_plan(&docs[0]));
        let t = read(Path::new("plan.json"), &docs[0], "000000000000");
        assert_eq!(t.account, "444444444444", "from the ARNs of the plan");
        let r = &t.items[0];
        assert_eq!(r.change, Some(Change::Create));
        assert_eq!(r.unresolved, vec!["aws_iam_role.r.assume_role_policy"]);
        let ItemKind::Principal { spec, .. } = &r.kind else {
            panic!()
        };
        assert!(
            spec.managed.is_empty(),
            "computed, not configured: not an unknown attachment"
        );
        let a = &t.items[1];
        assert!(a.unresolved.is_empty());
        assert!(
            matches!(&a.kind, ItemKind::Attachment { targets, .. } if targets == &vec![(PrincipalType::Role, "app".to_string())])
        );
        assert_eq!(t.items[2].change, Some(Change::Delete));
        assert_eq!(t.items[2].loc.line, 11);
    }
}
