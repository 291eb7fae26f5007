import { preloadable } from "../../components/preloadable";

/** The live view carries the AWS and KVS SDKs (200 KB): its own chunk, preloaded by the Cameras page when there is a live camera. */
export const livePage = preloadable(() => import("./LivePage"));
