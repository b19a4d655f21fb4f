"use client";

import {
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type RowSelectionState,
  type SortingState,
  type Updater,
} from "@tanstack/react-table";
import { useEffect, useId, useRef, useState } from "react";

/** Server-driven sorting: the table shows `sorting` and reports clicks; the page re-queries. */
export interface ManualSorting {
  sorting: SortingState;
  onSortingChange: (next: SortingState) => void;
}

/** Row selection owned by the caller (a bulk bar reads it); keys are row ids. */
export interface RowSelection<Row> {
  selected: RowSelectionState;
  onChange: (next: RowSelectionState) => void;
  /** Names a row for its checkbox's label: "Select <label>". */
  rowLabel: (row: Row) => string;
}

function resolve<T>(updater: Updater<T>, current: T): T {
  return typeof updater === "function" ? (updater as (old: T) => T)(current) : updater;
}

function SelectAllBox({ checked, indeterminate, onChange, label }: { checked: boolean; indeterminate: boolean; onChange: (checked: boolean) => void; label: string }) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate;
  }, [indeterminate]);
  return <input ref={ref} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} aria-label={label} className="size-4 rounded border-slate-300" />;
}

/**
 * The one table of the console. By default it sorts and searches the rows it is given. Given
 * `manualSorting` and/or `pagination` it becomes a view of one server page: no client search
 * (it would only search this page), sorting reported to the caller, the caller's pager below.
 * `selection` adds a checkbox column for bulk actions.
 */
export function DataTable<Row>({
  columns,
  data,
  label,
  searchPlaceholder = "Search…",
  emptyMessage = "Nothing matches your search.",
  initialSorting = [],
  getRowId,
  manualSorting,
  selection,
  toolbar,
  pagination,
  dense = false,
  contained = false,
}: {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  columns: ColumnDef<Row, any>[];
  data: Row[];
  label: string;
  searchPlaceholder?: string;
  emptyMessage?: string;
  initialSorting?: SortingState;
  getRowId?: (row: Row) => string;
  manualSorting?: ManualSorting;
  selection?: RowSelection<Row>;
  /** Shown above the table in server mode, in place of the search box. */
  toolbar?: React.ReactNode;
  /** A server pager shown below the table; its presence means `data` is one page of many. */
  pagination?: React.ReactNode;
  /** Tighter cells, for wide tables of many columns. */
  dense?: boolean;
  /**
   * A long page of rows scrolls inside its own box with the header kept in view, so a table wider
   * than the screen shows its horizontal scrollbar where the reader is, not fifty rows down.
   */
  contained?: boolean;
}) {
  const [localSorting, setLocalSorting] = useState<SortingState>(initialSorting);
  const [globalFilter, setGlobalFilter] = useState("");
  const searchId = useId();
  const serverMode = manualSorting !== undefined || pagination !== undefined;
  const sorting = manualSorting?.sorting ?? localSorting;
  // TanStack Table manages its own memoisation; the React Compiler skips this component.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data,
    columns,
    getRowId: getRowId ? (row) => getRowId(row) : undefined,
    state: { sorting, globalFilter: serverMode ? "" : globalFilter, rowSelection: selection?.selected ?? {} },
    manualSorting: manualSorting !== undefined,
    manualFiltering: serverMode,
    enableSortingRemoval: manualSorting === undefined,
    enableRowSelection: selection !== undefined,
    onSortingChange: (updater) => (manualSorting ? manualSorting.onSortingChange(resolve(updater, sorting)) : setLocalSorting(updater)),
    onGlobalFilterChange: setGlobalFilter,
    onRowSelectionChange: (updater) => selection?.onChange(resolve(updater, selection.selected)),
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: manualSorting ? undefined : getSortedRowModel(),
    getFilteredRowModel: serverMode ? undefined : getFilteredRowModel(),
  });
  const rows = table.getRowModel().rows;
  const columnCount = columns.length + (selection ? 1 : 0);
  const cellPadding = dense ? "px-2 py-1.5" : "px-3 py-2";
  // Column names for the stacked layout on phones (a header that is not plain text falls back to the id).
  const labelOf = (column: { id: string; columnDef: { header?: unknown } }) => (typeof column.columnDef.header === "string" ? column.columnDef.header : column.id);

  return (
    <div className="space-y-3">
      {serverMode ? (
        toolbar ? <div>{toolbar}</div> : null
      ) : (
        <div className="flex flex-col gap-1 sm:flex-row sm:items-center sm:justify-between">
          <label htmlFor={searchId} className="sr-only">
            Search {label}
          </label>
          <input
            id={searchId}
            type="search"
            value={globalFilter}
            onChange={(e) => setGlobalFilter(e.target.value)}
            placeholder={searchPlaceholder}
            className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm sm:w-72"
          />
          <p className="text-xs text-slate-500" aria-live="polite">
            {rows.length} of {data.length} shown
          </p>
        </div>
      )}
      {/* On phones each row stacks into a card, every value under its column's name; the explicit
          roles keep it a table for screen readers once CSS no longer lays it out as one. */}
      <div className={`rounded-lg border border-slate-200 shadow-sm sm:table-scroll ${contained ? "sm:max-h-[75vh] sm:overflow-y-auto" : ""}`} data-testid={contained ? `${label}-scroller` : undefined}>
        <table role="table" className="min-w-full divide-y divide-slate-200 text-sm max-sm:block" aria-label={label}>
          <thead role="rowgroup" className={`bg-slate-50 max-sm:sr-only ${contained ? "sm:sticky sm:top-0 sm:z-10 sm:shadow-[0_1px_0_var(--color-slate-200)]" : ""}`}>
            {table.getHeaderGroups().map((group) => (
              <tr role="row" key={group.id}>
                {selection ? (
                  <th role="columnheader" scope="col" className={`w-8 text-left ${cellPadding}`}>
                    <SelectAllBox
                      checked={table.getIsAllRowsSelected()}
                      indeterminate={table.getIsSomeRowsSelected()}
                      onChange={(checked) => table.toggleAllRowsSelected(checked)}
                      label={`Select all ${rows.length} on this page`}
                    />
                  </th>
                ) : null}
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  const canSort = header.column.getCanSort();
                  return (
                    <th
                      key={header.id}
                      role="columnheader"
                      scope="col"
                      aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                      className={`text-left font-semibold whitespace-nowrap text-slate-700 ${cellPadding}`}
                    >
                      {header.isPlaceholder ? null : canSort ? (
                        <button type="button" onClick={header.column.getToggleSortingHandler()} className="inline-flex items-center gap-1 hover:text-brand-700">
                          {flexRender(header.column.columnDef.header, header.getContext())}
                          <span aria-hidden="true" className="text-slate-400">
                            {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}
                          </span>
                        </button>
                      ) : (
                        flexRender(header.column.columnDef.header, header.getContext())
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody role="rowgroup" className="divide-y divide-slate-100 max-sm:block">
            {rows.length === 0 ? (
              <tr role="row" className="max-sm:block">
                <td role="cell" colSpan={columnCount} className="px-3 py-6 text-center text-slate-500 max-sm:block">
                  {emptyMessage}
                </td>
              </tr>
            ) : (
              rows.map((row) => (
                <tr
                  key={row.id}
                  role="row"
                  className={`align-top hover:bg-slate-50 max-sm:block max-sm:py-2 ${row.getIsSelected() ? "bg-brand-50" : ""}`}
                  aria-selected={selection ? row.getIsSelected() : undefined}
                >
                  {selection ? (
                    <td role="cell" className={`${cellPadding} max-sm:block max-sm:py-1`}>
                      <input
                        type="checkbox"
                        checked={row.getIsSelected()}
                        onChange={row.getToggleSelectedHandler()}
                        aria-label={`Select ${selection.rowLabel(row.original)}`}
                        data-row-select={row.id}
                        className="size-4 rounded border-slate-300"
                      />
                    </td>
                  ) : null}
                  {row.getVisibleCells().map((cell) => (
                    <td
                      key={cell.id}
                      role="cell"
                      data-label={labelOf(cell.column)}
                      className={`${cellPadding} max-sm:flex max-sm:gap-3 max-sm:py-1 max-sm:[overflow-wrap:anywhere] max-sm:*:min-w-0 max-sm:before:w-28 max-sm:before:shrink-0 max-sm:before:text-xs max-sm:before:leading-5 max-sm:before:font-medium max-sm:before:text-slate-500 max-sm:before:content-[attr(data-label)]`}
                    >
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </td>
                  ))}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {pagination}
    </div>
  );
}
