import { z } from "zod";
import { ROLES } from "@/lib/policy/roles";

export const emailSchema = z.string().trim().toLowerCase().email("Enter a valid email address").max(254);
export const roleListSchema = z.array(z.enum(ROLES)).min(1, "Choose at least one role");
export const passwordSchema = z.string().min(12, "Use at least 12 characters").max(200);

export const createUserSchema = z.object({
  email: emailSchema,
  name: z.string().trim().min(1, "Enter a name").max(120),
  roles: roleListSchema,
  password: passwordSchema,
});
export type CreateUserInput = z.infer<typeof createUserSchema>;

export const updateUserRolesSchema = z.object({
  userId: z.string().uuid(),
  roles: roleListSchema,
});

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password").max(200),
});

export const setUserDisabledSchema = z.object({
  userId: z.string().uuid(),
  disabled: z.boolean(),
  reason: z.string().trim().min(1, "Give a reason (kept in the audit log)").max(500),
});
