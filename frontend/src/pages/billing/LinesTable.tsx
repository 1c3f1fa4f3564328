/** Invoice lines (real or previewed): description, period, quantity, signed amount. On phones the
 * period goes under the description, so the amounts stay in view. */
import Box from "@mui/material/Box";
import Table from "@mui/material/Table";
import TableBody from "@mui/material/TableBody";
import TableCell from "@mui/material/TableCell";
import TableHead from "@mui/material/TableHead";
import TableRow from "@mui/material/TableRow";
import Typography from "@mui/material/Typography";
import useMediaQuery from "@mui/material/useMediaQuery";

import { Money, timestamp } from "../../components/common";
import { PHONE_QUERY } from "../../components/Layout";

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
  const phone = useMediaQuery(PHONE_QUERY);
  const period = (line: Line) =>
    `${timestamp(line.period.start).slice(0, 10)} → ${timestamp(line.period.end).slice(0, 10)}`;
  return (
    <Box sx={{ overflowX: "auto" }}>
      <Table size="small" data-testid="invoice-lines">
        <TableHead>
          <TableRow>
            <TableCell>Description</TableCell>
            {!phone && <TableCell>Period (UTC)</TableCell>}
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
                {phone && (
                  <Typography variant="caption" component="div" color="text.secondary">
                    {period(line)}
                  </Typography>
                )}
              </TableCell>
              {!phone && <TableCell>{period(line)}</TableCell>}
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
