import { NavLink, Outlet } from "react-router";

const links = [
  { to: "/cameras", label: "Cameras" },
  { to: "/live", label: "Live" },
  { to: "/events", label: "Events" },
  { to: "/rules", label: "Rules" },
  { to: "/me", label: "Account" },
];

/** The frame of every page: a skip link, the site name, the navigation and the page itself. */
export function Layout() {
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="site">
        <a className="brand" href="/cameras">
          <img src="/favicon.svg" alt="" width="24" height="24" />
          Vigil
        </a>
        <nav aria-label="Main">
          <ul>
            {links.map((link) => (
              <li key={link.to}>
                <NavLink to={link.to}>{link.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
