import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'data/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
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
  prettier,
);
