import { gql } from '@urql/core';
import type { Me } from './documents';

/** The admin users page's GraphQL operations. */
const USER_FIELDS = `
  id
  name
  email
  role
`;

export const USERS = gql`
  query Users {
    users { ${USER_FIELDS} }
  }
`;

export const CREATE_USER = gql`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) { ${USER_FIELDS} }
  }
`;

export const RESET_PASSWORD = gql`
  mutation ResetPassword($userId: ID!, $password: String!) {
    resetPassword(userId: $userId, password: $password) {
      id
    }
  }
`;

export const SET_USER_ROLE = gql`
  mutation SetUserRole($userId: ID!, $role: Role!) {
    setUserRole(userId: $userId, role: $role) { ${USER_FIELDS} }
  }
`;

export type Role = Me['role'];
export type ManagedUser = Me;

/** Kept in step with the server's rule (server/users/users.ts). */
export const MIN_PASSWORD_LENGTH = 10;
