import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '.bench-build/**',
      'data/**',
      'node_modules/**',
      'coverage/**',
      'artifacts/**',
      'web/src/api/schema.d.ts',
    ],
  },
  js.configs.recommended,
  // Type-aware: a promise nobody awaits, a promise where a callback is expected, a condition on a value that
  // may be a number or an object by surprise — the bugs the compiler alone does not see.
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Strings may stand for "present" (an empty name is refused by the schemas long before); numbers,
      // nullable numbers and nullable strings may not: 0 and '' are values, not absence.
      '@typescript-eslint/strict-boolean-expressions': [
        'error',
        {
          allowString: true,
          allowNumber: false,
          allowNullableObject: true,
          allowNullableBoolean: true,
          allowNullableString: false,
          allowNullableNumber: false,
          allowAny: false,
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.property.name='raw'][callee.object.name='sql'] > TemplateLiteral[expressions.length>0]",
          message: 'sql.raw with interpolation is not parameterised; use the sql tag or Kysely builders.',
        },
      ],
    },
  },
  {
    // One write path (issue 11): a module's read handle (`db`, `context.db`) is a ReadDb; casting it back to a
    // Kysely would give the writes back. Only a transaction's handle (`….tx`) may be narrowed to the module's tables.
    files: ['src/modules/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.property.name='raw'][callee.object.name='sql'] > TemplateLiteral[expressions.length>0]",
          message: 'sql.raw with interpolation is not parameterised; use the sql tag or Kysely builders.',
        },
        {
          selector: "TSAsExpression[typeAnnotation.typeName.name='Kysely']:not([expression.property.name='tx'])",
          message:
            'Only a transaction handle (….tx) may be cast to Kysely: reads go through ReadDb, writes through ctx.tx.',
        },
      ],
    },
  },
  {
    // Tests and benches read JSON answers, which are `any` by nature: their assertions are the type check.
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // The web application: React's rules of hooks (a hook called conditionally breaks state silently).
    files: ['web/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat['recommended-latest'],
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
    // Plain JavaScript here is Node scripts (the `globals` package is not a dependency, so named by hand).
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { process: 'readonly' } },
  },
  { files: ['**/*.cjs'], languageOptions: { globals: { module: 'writable' } } },
  prettier,
);
