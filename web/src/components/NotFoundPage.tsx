import { Link } from "react-router";

export function NotFoundPage() {
  return (
    <>
      <h1>Not found</h1>
      <p>There is no page here.</p>
      <p>
        <Link to="/cameras">Go to your cameras</Link>
      </p>
    </>
  );
}
