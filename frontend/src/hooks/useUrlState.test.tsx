import { act, renderHook } from "@testing-library/react";
import type { ReactNode } from "react";
import { createMemoryRouter, RouterProvider, useLocation } from "react-router";

import { applyChanges, popCursor, pushCursor, useUrlState } from "./useUrlState";

describe("URL-held list state", () => {
  it("changing a filter restarts paging; the dialog keeps the cursor", () => {
    const start = new URLSearchParams("status=succeeded&after=pay_9&back=-");
    expect(applyChanges(start, { customer: "cus_1" }).toString()).toBe(
      "status=succeeded&customer=cus_1",
    );
    expect(applyChanges(start, { status: "" }).toString()).toBe("");
    expect(applyChanges(start, { dialog: "refund" }).toString()).toBe(
      "status=succeeded&after=pay_9&back=-&dialog=refund",
    );
  });

  it("next and previous walk a cursor stack", () => {
    const first = new URLSearchParams("status=succeeded");
    const second = pushCursor(first, "pay_20");
    expect(second.get("after")).toBe("pay_20");
    const third = pushCursor(second, "pay_10");
    expect(third.get("after")).toBe("pay_10");
    expect(third.get("back")).toBe("-,pay_20");
    const back = popCursor(third);
    expect(back.get("after")).toBe("pay_20");
    const home = popCursor(back);
    expect(home.toString()).toBe("status=succeeded");
  });

  it("the hook reads and writes the location", async () => {
    let location = "";
    function Probe() {
      location = useLocation().search;
      return null;
    }
    let state: ReturnType<typeof useUrlState> | undefined;
    function Hook({ children }: { children?: ReactNode }) {
      state = useUrlState();
      return (
        <>
          <Probe />
          {children}
        </>
      );
    }
    const router = createMemoryRouter([{ path: "/payments", element: <Hook /> }], {
      initialEntries: ["/payments?status=canceled"],
    });
    renderHook(() => null, { wrapper: () => <RouterProvider router={router} /> });
    expect(state!.values).toEqual({ status: "canceled" });
    await act(async () => state!.next("pay_5"));
    expect(location).toBe("?status=canceled&back=-&after=pay_5");
    expect(state!.hasPrevious).toBe(true);
    await act(async () => state!.set({ status: "succeeded" }));
    expect(location).toBe("?status=succeeded");
  });
});
