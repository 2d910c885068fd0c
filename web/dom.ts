export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`no #${id} in the page`);
  return element as T;
}

export function show(id: string, visible: boolean): void {
  byId(id).hidden = !visible;
}

/** A form's fields as strings (text only: this page uploads no files). */
export function formValues(id: string): Record<string, string | undefined> {
  const data = new FormData(byId<HTMLFormElement>(id));
  return Object.fromEntries(
    [...data.entries()].map(([key, value]) => [key, typeof value === 'string' ? value : value.name]),
  );
}
