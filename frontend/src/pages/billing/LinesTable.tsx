/** Invoice lines (real or previewed): description, period, quantity, signed amount. */
import Box from "@mui/material/Box";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";

import { Money, timestamp } from "../../components/common";

interface Line {
  id?: string;
  type: string;
  description: string;
  quantity: number | null;
  amount: number;
  period: { [key: string]: string };
  proration: boolean;
}

export function LinesTable({ lines, currency }: { lines: Line[]; currency: string }) {
  return (
    <Box sx={{ overflowX: "auto" }}>
      <Table size="small" data-testid="invoice-lines">
        <TableHead>
          <TableRow>
            <TableCell>Description</TableCell>
            <TableCell>Period (UTC)</TableCell>
            <TableCell align="right">Qty</TableCell>
            <TableCell align="right">Amount</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {lines.map((line, index) => (
            <TableRow key={line.id ?? index}>
              <TableCell>
                {line.description}
                {line.proration ? " (proration)" : ""}
              </TableCell>
              <TableCell>
                {timestamp(line.period.start).slice(0, 10)} →{" "}
                {timestamp(line.period.end).slice(0, 10)}
              </TableCell>
              <TableCell align="right">{line.quantity ?? "—"}</TableCell>
              <TableCell align="right">
                <Money amount={line.amount} currency={currency} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}
