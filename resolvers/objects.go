package resolvers

import (
	"context"

	"github.com/citydata/catalogue/domain"
)

func (r *resourceResolver) CollectingDepartment(ctx context.Context, obj *domain.Resource) (*domain.Department, error) {
	return For(ctx).Department.Load(ctx, obj.CollectingDepartmentID)()
}

func (r *resourceResolver) ApprovingDepartment(ctx context.Context, obj *domain.Resource) (*domain.Department, error) {
	return For(ctx).Department.Load(ctx, obj.ApprovingDepartmentID)()
}

func (r *resourceResolver) ProvidingDepartment(ctx context.Context, obj *domain.Resource) (*domain.Department, error) {
	return For(ctx).Department.Load(ctx, obj.ProvidingDepartmentID)()
}

func (r *resourceResolver) DataItems(ctx context.Context, obj *domain.Resource) ([]*domain.DataItem, error) {
	return For(ctx).DataItems.Load(ctx, obj.ID)()
}

func (r *resourceResolver) DataElements(ctx context.Context, obj *domain.Resource) ([]*domain.DataElement, error) {
	return For(ctx).DataElements.Load(ctx, obj.ID)()
}

func (r *resourceResolver) ThemeDatabases(ctx context.Context, obj *domain.Resource) ([]*domain.ThemeDatabase, error) {
	return For(ctx).ThemeDatabases.Load(ctx, obj.ID)()
}

func (r *dataElementResolver) SourceDepartment(ctx context.Context, obj *domain.DataElement) (*domain.Department, error) {
	return For(ctx).Department.Load(ctx, obj.SourceDepartmentID)()
}

func (r *departmentResolver) Parent(ctx context.Context, obj *domain.Department) (*domain.Department, error) {
	if obj.ParentID == nil {
		return nil, nil
	}
	return For(ctx).Department.Load(ctx, *obj.ParentID)()
}

func (r *departmentResolver) Resources(ctx context.Context, obj *domain.Department, first *int, after *string) (*domain.Page[*domain.Resource], error) {
	p := pageArgs(first, after)
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return For(ctx).DepartmentResources.Load(ctx, pageKey{Parent: obj.ID, First: p.First, After: p.After})()
}

func (r *themeDatabaseResolver) LeadDepartment(ctx context.Context, obj *domain.ThemeDatabase) (*domain.Department, error) {
	return For(ctx).Department.Load(ctx, obj.LeadDepartmentID)()
}

func (r *themeDatabaseResolver) Departments(ctx context.Context, obj *domain.ThemeDatabase) ([]*domain.Department, error) {
	return For(ctx).ThemeDepartments.Load(ctx, obj.ID)()
}

func (r *themeDatabaseResolver) Resources(ctx context.Context, obj *domain.ThemeDatabase, first *int, after *string) (*domain.Page[*domain.Resource], error) {
	p := pageArgs(first, after)
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return For(ctx).ThemeResources.Load(ctx, pageKey{Parent: obj.ID, First: p.First, After: p.After})()
}
