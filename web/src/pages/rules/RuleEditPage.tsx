import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { listCameras } from "../../api/cameras";
import { ApiError } from "../../api/problem";
import { createRule, getRule, updateRule, type Rule } from "../../api/rules";
import { useApi } from "../../api/useApi";
import { ErrorMessage, Loading } from "../../components/Messages";
import { useLoad } from "../../components/useLoad";
import { RuleForm } from "./RuleForm";
import { draftOf, newRuleDraft, requestOf } from "./ruleDraft";

/** /rules/new and /rules/{id}. A webhook's signing secret is shown once, right after it was issued. */
export function RuleEditPage() {
  const { id } = useParams();
  const api = useApi();
  const navigate = useNavigate();
  const cameras = useLoad((signal) => listCameras(api, signal), [api]);
  const rule = useLoad((signal) => (id ? getRule(api, id, signal) : Promise.resolve(null)), [api, id]);
  const [issued, setIssued] = useState<Rule | null>(null);

  if (issued?.webhookSecret) {
    return (
      <>
        <h1>Webhook secret</h1>
        <p>
          Vigil signs every webhook message of “{issued.name}” with this secret. Copy it into the receiving service now: it is not shown again.
        </p>
        <p>
          <code className="secret" id="webhook-secret">
            {issued.webhookSecret}
          </code>
        </p>
        <button type="button" className="primary" onClick={() => void navigate("/rules")}>
          Done
        </button>
      </>
    );
  }
  if (rule.loading || cameras.loading) return <Loading what="the rule" />;
  if (rule.error instanceof ApiError && rule.error.status === 404) {
    return (
      <>
        <h1>Rule not found</h1>
        <p>
          <Link to="/rules">Back to rules</Link>
        </p>
      </>
    );
  }
  if (rule.error) return <ErrorMessage error={rule.error} />;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/rules">← Rules</Link>
      </p>
      <h1>{id ? `Edit “${rule.data?.name ?? ""}”` : "New rule"}</h1>
      <ErrorMessage error={cameras.error} />
      <RuleForm
        key={id ?? "new"}
        initial={rule.data ? draftOf(rule.data) : newRuleDraft}
        cameras={cameras.data ?? []}
        submitLabel={id ? "Save" : "Create rule"}
        onSubmit={async (draft) => {
          const saved = id ? await updateRule(api, id, requestOf(draft)) : await createRule(api, requestOf(draft));
          if (saved.webhookSecret) setIssued(saved);
          else void navigate("/rules");
        }}
      />
    </>
  );
}
