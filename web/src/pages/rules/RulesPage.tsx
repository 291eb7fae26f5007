import { useState } from "react";
import { Link } from "react-router";
import { listCameras, type Camera } from "../../api/cameras";
import { deleteRule, listRules, type Rule } from "../../api/rules";
import { useApi } from "../../api/useApi";
import { ConfirmButton } from "../../components/ConfirmButton";
import { EmptyState, ErrorMessage, Loading } from "../../components/Messages";
import { useLoad } from "../../components/useLoad";

/** Who is told what, and how: the user's notification rules. */
export function RulesPage() {
  const api = useApi();
  const rules = useLoad((signal) => listRules(api, signal), [api]);
  const cameras = useLoad((signal) => listCameras(api, signal), [api]);
  const [error, setError] = useState<Error | null>(null);

  return (
    <>
      <div className="title-row">
        <h1>Rules</h1>
        <Link className="button primary" to="/rules/new">
          New rule
        </Link>
      </div>
      <p className="muted">A rule sends a notification when a camera sees something: by e-mail, to a webhook, or over MQTT.</p>
      {rules.loading && <Loading what="rules" />}
      <ErrorMessage error={rules.error ?? error} />
      {rules.data && rules.data.length === 0 && (
        <EmptyState title="No rules yet.">
          <p>
            <Link to="/rules/new">Create a rule</Link> to be told when a person, a car or an animal is seen.
          </p>
        </EmptyState>
      )}
      {rules.data && rules.data.length > 0 && (
        <ul className="cards" id="rules" aria-label="Rules">
          {rules.data.map((rule) => (
            <RuleCard
              key={rule.id}
              rule={rule}
              cameras={cameras.data ?? []}
              onDelete={async () => {
                setError(null);
                try {
                  await deleteRule(api, rule.id);
                  rules.setData((list) => list?.filter((r) => r.id !== rule.id));
                } catch (e) {
                  setError(e instanceof Error ? e : new Error(String(e)));
                }
              }}
            />
          ))}
        </ul>
      )}
    </>
  );
}

/** One rule, in words. */
function RuleCard({ rule, cameras, onDelete }: { rule: Rule; cameras: Camera[]; onDelete(): Promise<void> }) {
  const cameraNames = rule.cameras.length === 0 ? "any camera" : rule.cameras.map((id) => cameras.find((c) => c.id === id)?.name ?? "a removed camera").join(", ");
  const what = rule.labels.length === 0 ? "anything" : rule.labels.join(", ");
  const actions = [
    rule.emailOwner && "e-mail to you",
    rule.email && `e-mail to ${rule.email}`,
    rule.webhook && `webhook ${rule.webhook}`,
    rule.mqtt && "MQTT",
  ].filter(Boolean);
  return (
    <li className="card rule-card">
      <div className="card-head">
        <h2>{rule.name}</h2>
        {!rule.enabled && <span className="badge">Off</span>}
      </div>
      <p>
        When {cameraNames} sees {what} (at least {Math.round(rule.minConfidence * 100)}% sure)
        {rule.quietHours ? `, except ${rule.quietHours}` : ""}: {actions.join(", ")}.
      </p>
      <div className="actions">
        <Link className="button" to={`/rules/${rule.id}`} aria-label={`Edit ${rule.name}`}>
          Edit
        </Link>
        <ConfirmButton label="Delete" question={`Delete the rule “${rule.name}”?`} onConfirm={onDelete} />
      </div>
    </li>
  );
}
