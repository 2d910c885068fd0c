/** The version of Bastion, recorded in every start record and backup manifest. */
export const VERSION = '0.1.0';
