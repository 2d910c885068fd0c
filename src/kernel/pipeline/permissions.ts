/** A named right, `module.action`. Every command, route and CLI verb names exactly one. */
export interface PermissionDefinition {
  name: string;
  description: string;
  /** Granted to everyone, even before login (health checks, the login itself). */
  public?: boolean;
  /** Granted to the local console: whoever can read the data directory on the server. */
  console?: boolean;
  /** Granted to every authenticated account for itself (its own session, password, second factor). */
  everyone?: boolean;
  /** Built-in roles that hold it (the administrator holds every permission that is not internal). */
  roles?: string[];
}

export class PermissionCatalog {
  private readonly permissions = new Map<string, PermissionDefinition>();

  register(...definitions: PermissionDefinition[]): void {
    for (const definition of definitions) {
      if (!/^[a-z][a-z-]*(\.[a-z][a-z-]*)+$/.test(definition.name)) {
        throw new Error(`permission ${definition.name} is not named module.action`);
      }
      if (this.permissions.has(definition.name)) throw new Error(`permission ${definition.name} declared twice`);
      this.permissions.set(definition.name, definition);
    }
  }

  get(name: string): PermissionDefinition | undefined {
    return this.permissions.get(name);
  }

  require(name: string, user: string): PermissionDefinition {
    const definition = this.permissions.get(name);
    if (!definition) throw new Error(`${user} names undeclared permission ${name}`);
    return definition;
  }

  list(): PermissionDefinition[] {
    return [...this.permissions.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}
